import FakeAuthServer
import Foundation
@testable import NativeLogin
import Testing
import Tokens

/// Failures on the way: each gives its documented error and leaves the storage as it was.
@Suite("Hostile and failing Globus Auth")
struct HostileLoginTests {
    /// Valid tokens for another scope, so every login below runs the flow and must not touch them.
    static let kept: TokenMap = [
        "search.api.globus.org": TokenSet(
            scope: "urn:globus:auth:scope:search.api.globus.org:all", accessToken: "kept-access",
            refreshToken: "kept-refresh", expiresAtSeconds: Int(Date().timeIntervalSince1970) + 3600,
            resourceServer: "search.api.globus.org"),
    ]

    private func fixture() throws -> LoginFixture {
        try LoginFixture(storage: MemoryTokenStorage(HostileLoginTests.kept))
    }

    /// A redirect with another state is ignored (404) rather than ending the wait; when the
    /// timeout ends with nothing else, the error says so.
    @Test func wrongStateIsRefusedAndTheCodeNeverExchanged() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage(HostileLoginTests.kept)) { parts in
            [parts.localServer(timeoutSeconds: 1)]
        }
        fixture.auth.setAuthorize(.wrongState)
        #expect(throws: AuthFailure.localServer(.stateMismatch(ignoredRequests: 1, seconds: 1))) { try fixture.login() }
        #expect(fixture.auth.requests(to: "/v2/oauth2/token").isEmpty)
        let page = try #require(fixture.browser.lastPage)
        #expect(page.status == 404)
        #expect(!page.body.contains("Login"))
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    /// Any local process or web page can send the local server a code or an error. Were such a
    /// request to end the wait, anyone could abort the login; instead each is answered 404 and
    /// the real redirect still completes it.
    @Test func forgedRedirectsDoNotEndTheLogin() throws {
        let forgeries = [
            "?code=forged-code&state=wrong", "?code=forged-code", "?error=access_denied",
            "?error=access_denied&state=wrong&error_description=gotcha", "?code=bad%20code&state=",
        ]
        let fixture = try LoginFixture(storage: MemoryTokenStorage(HostileLoginTests.kept)) { parts in
            [parts.localServer(browser: BrowserOpener { url in
                let redirect = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false)?
                    .queryItems?.first { $0.name == "redirect_uri" }?.value)
                for forgery in forgeries {
                    let answer = try parts.browser.get(#require(URL(string: redirect + forgery)))
                    #expect(answer.status == 404, "\(forgery)")
                }
                try parts.browser.get(url)
            })]
        }
        let tokens = try fixture.login()
        #expect(Set(tokens.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        #expect(fixture.browser.lastPage?.body.contains("Login Successful") == true)
        #expect(fixture.auth.requests(to: "/v2/oauth2/token").count == 1)
        #expect(try fixture.storage?.readTokens().count == 3)
    }

    @Test func deniedConsentIsReportedWithEscapedText() throws {
        let fixture = try fixture()
        fixture.auth.setAuthorize(.deny)
        #expect(throws: AuthFailure.localServer(.authorizationDenied(error: "access_denied", detail: "The user <b>declined</b> & left"))) {
            try fixture.login()
        }
        let page = try #require(fixture.browser.lastPage)
        #expect(page.body.contains("Login Failed"))
        #expect(page.body.contains("The user &lt;b&gt;declined&lt;/b&gt; &amp; left"))
        #expect(!page.body.contains("<b>declined"))
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    @Test func tokenEndpointServerError() throws {
        let fixture = try fixture()
        fixture.auth.setToken(.serverError)
        #expect(throws: AuthFailure.httpStatus(endpoint: "/v2/oauth2/token", status: 500)) { try fixture.login() }
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    @Test func tokenEndpointGarbage() throws {
        let fixture = try fixture()
        fixture.auth.setToken(.garbage)
        #expect(throws: AuthFailure.invalidResponse(endpoint: "/v2/oauth2/token", reason: "not a token response (not JSON)")) {
            try fixture.login()
        }
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    /// The 1 MiB cap holds while the answer arrives: a body past it ends the request at once.
    /// The stalled answers never finish, so a client that buffered the whole body before
    /// checking its size would wait for its 30-second timeout and report that instead.
    @Test(arguments: [
        FakeGlobusAuth.TokenBehaviour.oversized(bytes: 5 << 20),
        .stalled(bytes: 5 << 20, sent: 2 << 20),
        .stalledChunked(sent: 2 << 20),
    ])
    func oversizedAnswersAreCutOffWhileArriving(behaviour: FakeGlobusAuth.TokenBehaviour) throws {
        let fixture = try fixture()
        fixture.auth.setToken(behaviour)
        #expect(throws: AuthFailure.invalidResponse(endpoint: "/v2/oauth2/token", reason: "answer larger than 1048576 bytes")) {
            try fixture.login()
        }
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    @Test func answersUpToTheCapAreRead() throws {
        let fixture = try fixture()
        fixture.auth.setToken(.padded(bytes: 1_000_000))
        let tokens = try fixture.login()
        #expect(Set(tokens.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
    }

    /// A 307 would make a client re-POST the code and verifier wherever it points.
    @Test func tokenEndpointRedirectIsNotFollowed() throws {
        let fixture = try fixture()
        fixture.auth.setToken(.redirectElsewhere)
        #expect(throws: AuthFailure.httpStatus(endpoint: "/v2/oauth2/token", status: 307)) { try fixture.login() }
        #expect(fixture.auth.requests(to: "/v2/oauth2/token/stolen").isEmpty)
        #expect(try fixture.storage?.readTokens() == HostileLoginTests.kept)
    }

    @Test func refreshAnsweredInvalidGrantLeavesTheStorageAsItWas() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        try fixture.login()
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        let before = try fixture.storage?.readTokens()
        fixture.auth.setToken(.invalidGrantForRefresh)
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.transferServer])) {
            try fixture.client.loadTokens()
        }
        #expect(try fixture.storage?.readTokens() == before)
        #expect(fixture.auth.refreshAttempts.count == 1)
    }

    @Test func revokedRefreshTokenIsRejected() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        try fixture.client.revokeTokenSet(tokens.filter { $0.key == FakeGlobusAuth.transferServer })
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.transferServer])) {
            try fixture.client.loadTokens(requestedScopes: [FakeGlobusAuth.transferScope])
        }
    }

    @Test func reusedCodeIsInvalidGrant() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let recorder = CodeRecorder(wrapping: LoginFixture.Parts(browser: fixture.browser, output: fixture.output).localServer())
        let client = try NativeClient(clientID: LoginFixture.clientID, tokenStorage: nil, codeHandlers: [recorder],
                                      authBaseURL: fixture.auth.baseURL, environment: [:])
        try client.login(requestedScopes: ["openid"])
        let used = try #require(recorder.codes.first)
        let replay = try NativeClient(clientID: LoginFixture.clientID, tokenStorage: nil, codeHandlers: [FixedCodeHandler(code: used)],
                                      authBaseURL: fixture.auth.baseURL, environment: [:])
        #expect(throws: AuthFailure.invalidGrant(endpoint: "/v2/oauth2/token")) { try replay.login(requestedScopes: ["openid"]) }
    }

    @Test func codeWithAnotherVerifierIsInvalidGrant() throws {
        let fixture = try LoginFixture(storage: nil)
        let recorder = CodeRecorder(wrapping: LoginFixture.Parts(browser: fixture.browser, output: fixture.output).localServer(),
                                    exchange: false)
        let client = try NativeClient(clientID: LoginFixture.clientID, tokenStorage: nil, codeHandlers: [recorder],
                                      authBaseURL: fixture.auth.baseURL, environment: [:])
        #expect(throws: AuthFailure.noCodeReceived(handler: "recorder")) { try client.login(requestedScopes: ["openid"]) }
        let unused = try #require(recorder.codes.first)
        // The code is fresh, but the verifier is not the one its challenge was made from.
        #expect(throws: AuthFailure.invalidGrant(endpoint: "/v2/oauth2/token")) {
            try client.api.exchange(unused, pkce: PKCE())
        }
    }

    @Test func failedRevocationKeepsTheTokens() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        fixture.auth.setToken(.serverError)
        #expect(throws: AuthFailure.revocationFailed(
            resourceServers: [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer],
            reason: "Globus Auth answered /v2/oauth2/token/revoke with HTTP 500")) {
            try fixture.client.logout()
        }
        #expect(try fixture.storage?.readTokens() == tokens)
    }

    @Test func unreachableAuthIsATransportFailure() throws {
        // A port that was free a moment ago: nothing listens there.
        let closed = try FakeGlobusAuth()
        let url = closed.baseURL
        closed.stop()
        let client = try NativeClient(clientID: LoginFixture.clientID, tokenStorage: nil, codeHandlers: [], authBaseURL: url, environment: [:])
        #expect(throws: AuthFailure.transport(endpoint: "/v2/oauth2/token", reason: "connection refused")) {
            try client.refreshTokens(HostileLoginTests.kept.mapValues { set in
                var expired = set
                expired.expiresAtSeconds = 0
                return expired
            })
        }
    }
}

/// A handler that wraps another and remembers the codes it received; with `exchange: false` it
/// keeps the code from the client (so a test can spend it itself).
final class CodeRecorder: CodeHandler, @unchecked Sendable {
    // @unchecked: `codes` is written by the login thread and read by the test after login returns.
    private let inner: any CodeHandler
    private let exchange: Bool
    private(set) var codes: [AuthorizationCode] = []
    var name: String { "recorder" }

    init(wrapping inner: any CodeHandler, exchange: Bool = true) {
        self.inner = inner
        self.exchange = exchange
    }

    func isAvailable(in context: CodeHandlerContext) -> Bool { inner.isAvailable(in: context) }

    func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode {
        let code = try inner.obtainCode(for: request, in: context)
        codes.append(code)
        if !exchange { throw AuthFailure.noCodeReceived(handler: name) }
        return code
    }
}

/// Returns the same code whatever the request (a replay).
struct FixedCodeHandler: CodeHandler {
    let code: AuthorizationCode
    var name: String { "fixed" }
    func isAvailable(in context: CodeHandlerContext) -> Bool { true }
    func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode { code }
}
