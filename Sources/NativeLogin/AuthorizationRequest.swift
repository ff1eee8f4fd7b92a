public import Foundation

/// One login attempt: its `state`, its PKCE pair and what it asks Globus Auth for. A code
/// handler gets it, chooses its redirect URI and asks it for the authorize URL to show.
public struct AuthorizationRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let clientID: String
    public let scopes: [String]
    /// Asks for refresh tokens (`access_type=offline`).
    public let refreshTokens: Bool
    /// The label of the grant on the consent page.
    public let prefillNamedGrant: String
    /// Extra authorize parameters (Globus sessions and the like), sent in name order.
    public let queryParams: [String: String]
    /// Random per attempt; a redirect without it is not this attempt's.
    public let state: String
    let pkce: PKCE
    let authBase: AuthBaseURL

    /// The parameters the flow sets itself; `queryParams` may not replace them.
    public static let reservedQueryParameters: Set<String> = [
        "client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge",
        "code_challenge_method", "access_type", "prefill_named_grant",
    ]

    init(
        authBase: AuthBaseURL, clientID: String, scopes: [String], refreshTokens: Bool,
        prefillNamedGrant: String, queryParams: [String: String]
    ) throws(LoginUsageError) {
        if let reserved = queryParams.keys.sorted().first(where: AuthorizationRequest.reservedQueryParameters.contains) {
            throw .reservedQueryParameter(name: reserved)
        }
        self.authBase = authBase
        self.clientID = clientID
        self.scopes = scopes
        self.refreshTokens = refreshTokens
        self.prefillNamedGrant = prefillNamedGrant
        self.queryParams = queryParams
        self.state = RandomString.base64URL(byteCount: 32)
        self.pkce = PKCE()
    }

    /// Globus Auth's own page that shows the code for copying (for `InputCodeHandler`).
    public var helperPageRedirectURI: String {
        authBase.appending(path: "/v2/web/auth-code").absoluteString
    }

    /// The URL the user opens: `/v2/oauth2/authorize` with the flow's parameters.
    public func authorizeURL(redirectURI: String) -> URL {
        var fields: [(name: String, value: String)] = [
            ("client_id", clientID),
            ("redirect_uri", redirectURI),
            ("scope", scopes.joined(separator: " ")),
            ("state", state),
            ("response_type", "code"),
            ("code_challenge", pkce.codeChallenge),
            ("code_challenge_method", PKCE.challengeMethod),
            ("access_type", refreshTokens ? "offline" : "online"),
            ("prefill_named_grant", prefillNamedGrant),
        ]
        fields += queryParams.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let base = authBase.appending(path: "/v2/oauth2/authorize")
        return URL(string: base.absoluteString + "?" + FormEncoding.encode(fields)) ?? base
    }

    public var description: String { "AuthorizationRequest(client \(clientID), scopes \(scopes.joined(separator: " ")), state and verifier redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["clientID": clientID, "scopes": scopes, "refreshTokens": refreshTokens])
    }
}

/// A code received from Globus Auth, with the redirect URI it was sent to (the token request
/// must repeat it). Printing it shows no code.
public struct AuthorizationCode: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String
    public let redirectURI: String

    /// Codes are short printable ASCII; anything else (spaces, control characters, megabytes)
    /// is refused before it reaches a request.
    public init?(_ value: String, redirectURI: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...AuthorizationCode.maximumLength).contains(trimmed.utf8.count),
              trimmed.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        self.value = trimmed
        self.redirectURI = redirectURI
    }

    static let maximumLength = 512

    public var description: String { "AuthorizationCode(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redirectURI": redirectURI]) }
}
