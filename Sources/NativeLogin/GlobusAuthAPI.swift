import Foundation
import Tokens

/// The three Globus Auth calls a native app makes: code exchange, refresh and revocation.
/// Native apps have no secret; every request names the client with `client_id`.
struct GlobusAuthAPI: Sendable {
    let http: AuthHTTPClient
    let clientID: String

    static let tokenPath = "/v2/oauth2/token"
    static let revokePath = "/v2/oauth2/token/revoke"

    /// Exchanges a code for tokens, proving the flow with the PKCE verifier.
    func exchange(_ code: AuthorizationCode, pkce: PKCE) throws(AuthFailure) -> TokenMap {
        let response = try http.postForm(path: Self.tokenPath, fields: [
            ("grant_type", "authorization_code"),
            ("code", code.value),
            ("redirect_uri", code.redirectURI),
            ("code_verifier", pkce.codeVerifier),
            ("client_id", clientID),
        ])
        return try TokenResponse.tokenMap(from: response, endpoint: Self.tokenPath)
    }

    /// Gets a new access token for the refresh token's resource server.
    func refresh(refreshToken: String) throws(AuthFailure) -> TokenMap {
        let response = try http.postForm(path: Self.tokenPath, fields: [
            ("grant_type", "refresh_token"),
            ("refresh_token", refreshToken),
            ("client_id", clientID),
        ])
        return try TokenResponse.tokenMap(from: response, endpoint: Self.tokenPath)
    }

    /// Revokes an access or refresh token. RFC 7009: revoking an unknown or already revoked
    /// token also succeeds.
    func revoke(token: String) throws(AuthFailure) {
        let response = try http.postForm(path: Self.revokePath, fields: [
            ("token", token),
            ("client_id", clientID),
        ])
        guard (200..<300).contains(response.status) else {
            throw TokenResponse.failure(from: response, endpoint: Self.revokePath)
        }
    }
}

/// Turns Globus Auth's token responses into a `TokenMap` (the first token plus `other_tokens`,
/// keyed by resource server, with `expires_at_seconds` = now + `expires_in`), and its error
/// answers into `AuthFailure`. Bodies never reach an error's text: they hold tokens.
enum TokenResponse {
    private struct Token: Decodable {
        let accessToken: String
        let expiresIn: Double?
        let resourceServer: String
        let scope: String
        let tokenType: String?
        let refreshToken: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", expiresIn = "expires_in", resourceServer = "resource_server"
            case scope, tokenType = "token_type", refreshToken = "refresh_token"
        }
    }

    private struct Body: Decodable {
        let token: Token
        let otherTokens: [Token]?

        enum CodingKeys: String, CodingKey { case otherTokens = "other_tokens" }

        init(from decoder: any Decoder) throws {
            token = try Token(from: decoder)
            otherTokens = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([Token].self, forKey: .otherTokens)
        }
    }

    private struct ErrorBody: Decodable {
        struct Item: Decodable { let code: String? }
        let error: String?
        let errors: [Item]?
    }

    /// Ten years: an `expires_in` beyond this (up to 1e308, or `Int.max` written as an integer) is
    /// treated as this, and a negative or non-finite one as 0, so a server cannot make the
    /// expiry sum overflow.
    private static let longestLifetimeSeconds = 10 * 365 * 24 * 3600

    static func tokenMap(from response: AuthHTTPClient.Response, endpoint: String) throws(AuthFailure) -> TokenMap {
        guard response.status == 200 else { throw failure(from: response, endpoint: endpoint) }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: response.body)
        } catch {
            throw .invalidResponse(endpoint: endpoint, reason: "not a token response (\(decodingProblem(error)))")
        }
        let now = NativeClient.now()
        var tokens: TokenMap = [:]
        for token in [body.token] + (body.otherTokens ?? []) {
            guard !token.accessToken.isEmpty, !token.resourceServer.isEmpty else {
                throw .invalidResponse(endpoint: endpoint, reason: "a token without access_token or resource_server")
            }
            if let type = token.tokenType, type.lowercased() != "bearer" {
                throw .invalidResponse(endpoint: endpoint, reason: "token_type is not Bearer")
            }
            let lifetime = token.expiresIn.map { $0.isFinite ? Int(min(max($0, 0), Double(longestLifetimeSeconds))) : 0 } ?? 0
            tokens[token.resourceServer] = TokenSet(
                scope: token.scope,
                accessToken: token.accessToken,
                refreshToken: token.refreshToken.flatMap { $0.isEmpty ? nil : $0 },
                expiresAtSeconds: Seconds.adding(lifetime, to: now),
                resourceServer: token.resourceServer
            )
        }
        return tokens
    }

    static func failure(from response: AuthHTTPClient.Response, endpoint: String) -> AuthFailure {
        let parsed = try? JSONDecoder().decode(ErrorBody.self, from: response.body)
        guard let code = parsed?.error ?? parsed?.errors?.first?.code else {
            return .httpStatus(endpoint: endpoint, status: response.status)
        }
        if code == "invalid_grant" { return .invalidGrant(endpoint: endpoint) }
        return .oauthError(endpoint: endpoint, status: response.status, error: errorCode(code))
    }

    /// OAuth error codes are short words (`invalid_client`; Globus also uses `FORBIDDEN`). Anything
    /// else is withheld: tokens are long mixed-case strings, and a server must not be able to put
    /// one (or a message) into our error text.
    static func errorCode(_ raw: String) -> String {
        let lower = raw.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }
        let upper = raw.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "_") }
        return (1...40).contains(raw.utf8.count) && (lower || upper) ? raw : "unrecognized"
    }

    private static func decodingProblem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing \(key.stringValue)"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "not JSON"
        }
    }
}
