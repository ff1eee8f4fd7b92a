/// One resource server's tokens, as Fair Research Login stores them.
///
/// The JSON keys are the Python ones (`access_token`, `expires_at_seconds`, ...), so files move
/// between the two libraries unchanged. Decoding applies `verify_token_group`'s rules (see
/// `TokenSet(validating:)`). `description`, `debugDescription` and the mirror never show a
/// token value.
public struct TokenSet: Hashable, Sendable {
    public var scope: String
    public var accessToken: String
    /// `nil` when the server gave none. An empty string means the same in Python, so it is
    /// stored as `nil`: a set then reads back equal to what was written.
    public var refreshToken: String? {
        didSet { if refreshToken == "" { refreshToken = nil } }
    }
    /// Always "Bearer" for Globus Auth; anything else fails `validate()`.
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
        self.refreshToken = refreshToken == "" ? nil : refreshToken
        self.tokenType = tokenType
        self.expiresAtSeconds = expiresAtSeconds
        self.resourceServer = resourceServer
    }

    /// The six keys, in the order Globus returns them and Python therefore writes them.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case scope
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresAtSeconds = "expires_at_seconds"
        case resourceServer = "resource_server"
    }

    /// A field as the Python library holds it: a string, an int, or None.
    enum FieldValue: Equatable {
        case string(String)
        case integer(Int)
        case none
    }

    /// The fields in writing order, for the JSON writer and `flatPack`.
    var fields: [(key: CodingKeys, value: FieldValue)] {
        [
            (.scope, .string(scope)),
            (.accessToken, .string(accessToken)),
            (.refreshToken, refreshToken.map(FieldValue.string) ?? .none),
            (.tokenType, .string(tokenType)),
            (.expiresAtSeconds, .integer(expiresAtSeconds)),
            (.resourceServer, .string(resourceServer)),
        ]
    }
}

/// Token sets keyed by resource server (`auth.globus.org`, `transfer.api.globus.org`, ...).
public typealias TokenMap = [String: TokenSet]
