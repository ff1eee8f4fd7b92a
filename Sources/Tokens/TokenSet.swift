/// One resource server's tokens, as Fair Research Login stores them.
///
/// The JSON keys are the Python library's, so files move between the two unchanged.
/// `description`, `debugDescription` and the mirror never show a token value.
public struct TokenSet: Codable, Hashable, Sendable {
    public var scope: String
    public var accessToken: String
    /// `nil` when the server gave none; Python writes that as `null` or "".
    public var refreshToken: String?
    /// Always "Bearer" for Globus Auth.
    public var tokenType: String
    /// Expiry as seconds since the Unix epoch.
    public var expiresAtSeconds: Int
    public var resourceServer: String

    public init(
        scope: String,
        accessToken: String,
        refreshToken: String?,
        tokenType: String = "Bearer",
        expiresAtSeconds: Int,
        resourceServer: String
    ) {
        self.scope = scope
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.expiresAtSeconds = expiresAtSeconds
        self.resourceServer = resourceServer
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scope
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresAtSeconds = "expires_at_seconds"
        case resourceServer = "resource_server"
    }
}

/// Token sets keyed by resource server (`auth.globus.org`, `transfer.api.globus.org`, ...).
public typealias TokenMap = [String: TokenSet]
