import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import VaultCrypto

/// A Globus-Auth-like server on 127.0.0.1 for the tests: the native-app endpoints with real
/// checks (PKCE, single-use codes, revocation, refresh-token spending), switchable failures, and a
/// record of every request it received.
package final class FakeGlobusAuth: Sendable {
    package let port: Int
    package var baseURL: String { "http://127.0.0.1:\(port)" }
    private let channel: any Channel
    private let state = Mutex(State())

    package static let authServer = "auth.globus.org"
    package static let transferServer = "transfer.api.globus.org"
    package static let transferScope = "urn:globus:auth:scope:transfer.api.globus.org:all"

    /// What the authorize endpoint does after "consent".
    package enum AuthorizeBehaviour: Sendable { case consent, deny, wrongState }
    /// What the token endpoint answers (`serverError` applies to revocation too).
    package enum TokenBehaviour: Sendable, Equatable {
        case normal, serverError, garbage, invalidGrantForRefresh, redirectElsewhere
        /// Token answers carry an extra field of this many bytes (still valid JSON).
        case padded(bytes: Int)
        /// A 200 whose body is this many bytes, all sent, with Content-Length.
        case oversized(bytes: Int)
        /// A 200 announcing `bytes` but sending only `sent` of them, then nothing (the
        /// connection stays open): a client that waits for the whole body waits for its timeout.
        case stalled(bytes: Int, sent: Int)
        /// A chunked 200 (no Content-Length) that sends `sent` bytes and then nothing.
        case stalledChunked(sent: Int)
    }

    package struct Request: Sendable {
        package let method: String
        package let path: String
        /// Query for GET, form body for POST.
        package let fields: [String: String]
    }

    private struct CodeGrant {
        let clientID: String
        let redirectURI: String
        let challenge: String
        let scopes: [String]
        let offline: Bool
        var used = false
    }

    private struct RefreshGrant {
        let resourceServer: String
        let scope: String
        var revoked = false
        var spent = 0
    }

    private struct State {
        var authorize = AuthorizeBehaviour.consent
        var token = TokenBehaviour.normal
        var accessTokenLifetime = 3600
        var refreshDelayMilliseconds: Int64 = 0
        var rotateRefreshTokens = false
        var requests: [Request] = []
        var codes: [String: CodeGrant] = [:]
        var refreshTokens: [String: RefreshGrant] = [:]
        var accessTokens: [String: String] = [:]
        var revoked: Set<String> = []
        var counter = 0

        mutating func newToken(_ prefix: String) -> String {
            counter += 1
            return "\(prefix)-\(counter)-\(UUID().uuidString)"
        }
    }

    package init() throws {
        let holder = Holder()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeAuthHandler(holder: holder))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
        holder.server.withLock { $0 = self }
    }

    deinit { channel.close(promise: nil) }

    package func stop() { try? channel.close().wait() }

    // MARK: Controls and observations

    package func setAuthorize(_ behaviour: AuthorizeBehaviour) { state.withLock { $0.authorize = behaviour } }
    package func setToken(_ behaviour: TokenBehaviour) { state.withLock { $0.token = behaviour } }
    package func setAccessTokenLifetime(_ seconds: Int) { state.withLock { $0.accessTokenLifetime = seconds } }
    package func setRefreshDelay(milliseconds: Int64) { state.withLock { $0.refreshDelayMilliseconds = milliseconds } }
    package func setRotateRefreshTokens(_ rotate: Bool) { state.withLock { $0.rotateRefreshTokens = rotate } }

    package var requests: [Request] { state.withLock { $0.requests } }
    package func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }
    package var revokedTokens: Set<String> { state.withLock { $0.revoked } }
    /// How many successful refresh grants spent this refresh token.
    package func timesSpent(refreshToken: String) -> Int { state.withLock { $0.refreshTokens[refreshToken]?.spent ?? 0 } }
    /// Every refresh token request, successful or not, by token.
    package var refreshAttempts: [String: Int] {
        var counts: [String: Int] = [:]
        for request in requests(to: "/v2/oauth2/token") where request.fields["grant_type"] == "refresh_token" {
            counts[request.fields["refresh_token"] ?? "", default: 0] += 1
        }
        return counts
    }
    package func isLive(accessToken: String) -> Bool {
        state.withLock { $0.accessTokens[accessToken] != nil && !$0.revoked.contains(accessToken) }
    }

    // MARK: Endpoints

    package struct Response {
        package var status: HTTPResponseStatus
        package var headers: [(String, String)] = []
        package var body: String = ""
        package var delayMilliseconds: Int64 = 0
        /// Send only this many body bytes and never end the response.
        package var stallAfterBytes: Int?
        /// Leave out Content-Length (NIO then sends the body chunked).
        package var withoutLength = false

        package static func json(_ status: HTTPResponseStatus, _ object: Any) -> Response {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return Response(status: status, headers: [("Content-Type", "application/json")], body: String(decoding: data, as: UTF8.self))
        }
        static func oauthError(_ code: String) -> Response { .json(.badRequest, ["error": code]) }
    }

    fileprivate func handle(method: HTTPMethod, uri: String, body: [UInt8]) -> Response {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        let query = parts.count > 1 ? FakeGlobusAuth.decodeForm(String(parts[1])) : [:]
        let form = FakeGlobusAuth.decodeForm(String(decoding: body, as: UTF8.self))
        let fields = method == .POST ? form : query
        return state.withLock { state in
            state.requests.append(Request(method: method.rawValue, path: path, fields: fields))
            switch (method, path) {
            case (.GET, "/v2/oauth2/authorize"): return FakeGlobusAuth.authorize(query, &state)
            case (.GET, "/v2/web/auth-code"):
                return Response(status: .ok, headers: [("Content-Type", "text/html")], body: "<p>Your code: <code>\(query["code"] ?? "")</code></p>")
            case (.POST, "/v2/oauth2/token"): return FakeGlobusAuth.token(form, &state)
            case (.POST, "/v2/oauth2/token/revoke"): return FakeGlobusAuth.revoke(form, &state)
            default: return Response(status: .notFound)
            }
        }
    }

    private static func authorize(_ query: [String: String], _ state: inout State) -> Response {
        guard let clientID = query["client_id"], let redirectURI = query["redirect_uri"],
              query["response_type"] == "code", query["code_challenge_method"] == "S256",
              let challenge = query["code_challenge"], let scope = query["scope"], let requestState = query["state"] else {
            return .oauthError("invalid_request")
        }
        let returnedState = state.authorize == .wrongState ? "not-\(requestState)" : requestState
        let target: String
        switch state.authorize {
        case .deny:
            target = "\(redirectURI)?error=access_denied&error_description=\(escape("The user <b>declined</b> & left"))&state=\(escape(returnedState))"
        case .consent, .wrongState:
            let code = state.newToken("code")
            state.codes[code] = CodeGrant(
                clientID: clientID, redirectURI: redirectURI, challenge: challenge,
                scopes: scope.split(separator: " ").map(String.init), offline: query["access_type"] == "offline")
            target = "\(redirectURI)?code=\(escape(code))&state=\(escape(returnedState))"
        }
        return Response(status: .found, headers: [("Location", target)])
    }

    private static func token(_ form: [String: String], _ state: inout State) -> Response {
        switch state.token {
        case .serverError: return Response(status: .internalServerError, body: "upstream exploded")
        case .garbage: return Response(status: .ok, headers: [("Content-Type", "text/html")], body: "<html>definitely not json")
        case .redirectElsewhere: return Response(status: .temporaryRedirect, headers: [("Location", "/v2/oauth2/token/stolen")])
        case .oversized(let bytes): return Response(status: .ok, headers: [("Content-Type", "application/json")], body: filler(bytes))
        case .stalled(let bytes, let sent):
            return Response(status: .ok, headers: [("Content-Type", "application/json")], body: filler(bytes), stallAfterBytes: sent)
        case .stalledChunked(let sent):
            return Response(status: .ok, headers: [("Content-Type", "application/json")], body: filler(sent),
                            stallAfterBytes: sent, withoutLength: true)
        case .normal, .invalidGrantForRefresh, .padded: break
        }
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], var grant = state.codes[code], !grant.used,
                  form["client_id"] == grant.clientID, form["redirect_uri"] == grant.redirectURI,
                  let verifier = form["code_verifier"],
                  base64URL(SHA256.hash(Array(verifier.utf8))) == grant.challenge else {
                return .oauthError("invalid_grant")
            }
            grant.used = true
            state.codes[code] = grant
            var groups: [String: [String]] = [:]
            for scope in grant.scopes { groups[resourceServer(of: scope), default: []].append(scope) }
            let order = groups.keys.sorted { ($0 == authServer ? "" : $0) < ($1 == authServer ? "" : $1) }
            var issued: [[String: Any]] = order.map { server in
                issue(resourceServer: server, scope: groups[server, default: []].joined(separator: " "), offline: grant.offline, &state)
            }
            var primary = issued.removeFirst()
            primary["other_tokens"] = issued
            primary["id_token"] = "header.payload.signature"
            if case .padded(let bytes) = state.token { primary["padding"] = String(repeating: "p", count: bytes) }
            return .json(.ok, primary)
        case "refresh_token":
            if state.token == .invalidGrantForRefresh { return .oauthError("invalid_grant") }
            guard let token = form["refresh_token"], var grant = state.refreshTokens[token], !grant.revoked,
                  !(state.rotateRefreshTokens && grant.spent > 0) else {
                return .oauthError("invalid_grant")
            }
            grant.spent += 1
            state.refreshTokens[token] = grant
            var answer = issue(resourceServer: grant.resourceServer, scope: grant.scope, offline: state.rotateRefreshTokens, &state)
            if !state.rotateRefreshTokens { answer["refresh_token"] = token }
            var response = Response.json(.ok, answer)
            response.delayMilliseconds = state.refreshDelayMilliseconds
            return response
        default:
            return .oauthError("unsupported_grant_type")
        }
    }

    /// A JSON string of exactly `bytes` bytes (for `bytes` >= 2).
    private static func filler(_ bytes: Int) -> String {
        "\"" + String(repeating: "x", count: max(bytes - 2, 0)) + "\""
    }

    private static func issue(resourceServer: String, scope: String, offline: Bool, _ state: inout State) -> [String: Any] {
        let access = state.newToken("access-\(resourceServer)")
        state.accessTokens[access] = resourceServer
        var token: [String: Any] = [
            "access_token": access, "expires_in": state.accessTokenLifetime, "resource_server": resourceServer,
            "scope": scope, "token_type": "Bearer", "state": "_default",
        ]
        if offline {
            let refresh = state.newToken("refresh-\(resourceServer)")
            state.refreshTokens[refresh] = RefreshGrant(resourceServer: resourceServer, scope: scope)
            token["refresh_token"] = refresh
        } else {
            token["refresh_token"] = NSNull()
        }
        return token
    }

    private static func revoke(_ form: [String: String], _ state: inout State) -> Response {
        if state.token == .serverError { return Response(status: .internalServerError, body: "upstream exploded") }
        guard let token = form["token"], form["client_id"] != nil else { return .oauthError("invalid_request") }
        state.revoked.insert(token)
        state.refreshTokens[token]?.revoked = true
        return .json(.ok, ["active": false])
    }

    package static func resourceServer(of scope: String) -> String {
        if ["openid", "profile", "email"].contains(scope) { return authServer }
        let prefix = "urn:globus:auth:scope:"
        if scope.hasPrefix(prefix), let server = scope.dropFirst(prefix.count).split(separator: ":").first {
            return String(server)
        }
        return authServer
    }

    // MARK: Encoding (independent of NativeLogin's own, so one cannot hide the other's bug)

    package static func decodeForm(_ text: String) -> [String: String] {
        var components = URLComponents()
        components.percentEncodedQuery = text.replacingOccurrences(of: "+", with: "%20")
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] where fields[item.name] == nil {
            fields[item.name] = item.value ?? ""
        }
        return fields
    }

    package static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    package static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Lets the channel handlers reach the server object created after the bootstrap.
    fileprivate final class Holder: Sendable {
        let server = Mutex<FakeGlobusAuth?>(nil)
    }
}

private final class FakeAuthHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let holder: FakeGlobusAuth.Holder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(holder: FakeGlobusAuth.Holder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let requestHead = head, let server = holder.server.withLock({ $0 }) else { return }
            let response = server.handle(method: requestHead.method, uri: requestHead.uri, body: body)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            if response.delayMilliseconds > 0 {
                context.eventLoop.scheduleTask(in: .milliseconds(response.delayMilliseconds)) {
                    bound.value.0.write(response, version: requestHead.version, context: bound.value.1)
                }
            } else {
                write(response, version: requestHead.version, context: context)
            }
        }
    }

    private func write(_ response: FakeGlobusAuth.Response, version: HTTPVersion, context: ChannelHandlerContext) {
        let bytes = Array(response.body.utf8)
        var headers = HTTPHeaders(response.headers)
        if !response.withoutLength { headers.add(name: "Content-Length", value: String(bytes.count)) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        let sent = bytes.prefix(response.stallAfterBytes ?? bytes.count)
        var buffer = context.channel.allocator.buffer(capacity: sent.count)
        buffer.writeBytes(sent)
        if response.stallAfterBytes != nil {
            // Never end: the client must stop reading by itself.
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
