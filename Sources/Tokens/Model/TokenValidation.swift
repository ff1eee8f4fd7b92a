/// The rules of Fair Research Login's `verify_token_group`, applied in the same order so that
/// the same input fails with the same code:
///
/// 1. the group is a dict (`not_dict`);
/// 2. no keys beyond the six known ones (`unexpected_values`);
/// 3. `access_token`, `expires_at_seconds`, `scope`, `resource_server` present (`missing_required`);
/// 4. `access_token`, `scope`, `resource_server` are strings (`invalid_type`);
/// 5. `token_type`, if truthy, is "Bearer" (`invalid_token_type`);
/// 6. `refresh_token` is falsy (None, "", ...) or a string (`invalid_type`); falsy means none;
/// 7. `expires_at_seconds` converts with `int()`: 123, "123", 123.456 -> 123; not "abc",
///    "123abc" (`invalid_type`).
enum TokenValidation {
    static let knownKeys = Set(TokenSet.CodingKeys.allCases.map(\.rawValue))
    static let requiredKeys: Set<String> = ["access_token", "expires_at_seconds", "scope", "resource_server"]

    /// `filedUnder` is the map key the group was found under, used to name it in errors.
    static func tokenSet(from value: JSONValue, filedUnder: String?) throws(TokenFormatError) -> TokenSet {
        guard case .object(let group) = value else {
            throw TokenFormatError(.notADict, resourceServer: filedUnder)
        }
        let name = filedUnder ?? group["resource_server"]?.stringValue
        let keys = Set(group.keys)
        let unexpected = keys.subtracting(knownKeys)
        guard unexpected.isEmpty else {
            throw TokenFormatError(.unexpectedValues, resourceServer: name, keys: Array(unexpected))
        }
        let missing = requiredKeys.subtracting(keys)
        guard missing.isEmpty else {
            throw TokenFormatError(.missingRequired, resourceServer: name, keys: Array(missing))
        }
        func string(_ key: String) throws(TokenFormatError) -> String {
            guard let text = group[key]?.stringValue else {
                throw TokenFormatError(.invalidType, resourceServer: name, keys: [key])
            }
            return text
        }
        let accessToken = try string("access_token")
        let scope = try string("scope")
        let resourceServer = try string("resource_server")

        if let tokenType = group["token_type"], tokenType.isTruthy, tokenType != .string("Bearer") {
            throw TokenFormatError(.invalidTokenType, resourceServer: name, keys: ["token_type"])
        }
        var refreshToken: String?
        if let refresh = group["refresh_token"], refresh.isTruthy {
            guard let text = refresh.stringValue else {
                throw TokenFormatError(.invalidType, resourceServer: name, keys: ["refresh_token"])
            }
            refreshToken = text
        }
        guard let expiry = group["expires_at_seconds"], let expiresAtSeconds = PythonInt.convert(expiry) else {
            throw TokenFormatError(.invalidType, resourceServer: name, keys: ["expires_at_seconds"])
        }
        return TokenSet(
            scope: scope, accessToken: accessToken, refreshToken: refreshToken,
            tokenType: "Bearer", expiresAtSeconds: expiresAtSeconds, resourceServer: resourceServer
        )
    }

    /// A whole map: a dict of groups, each valid and filed under its own resource server.
    static func tokenMap(from value: JSONValue) throws(TokenFormatError) -> TokenMap {
        guard case .object(let groups) = value else {
            throw TokenFormatError(.notADict, resourceServer: nil)
        }
        var tokens = TokenMap()
        // Sorted, so that a file with several bad groups always reports the same one.
        for key in groups.keys.sorted() {
            guard let group = groups[key] else { continue }
            tokens[key] = try tokenSet(from: group, filedUnder: key)
        }
        try tokens.validate()
        return tokens
    }
}

extension TokenSet {
    /// Validates a parsed JSON object (as `JSONSerialization` or a literal produces it) with
    /// `verify_token_group`'s rules and returns the cleaned set.
    public init(validating object: [String: Any]) throws(TokenFormatError) {
        self = try TokenValidation.tokenSet(from: JSONValue(any: object), filedUnder: nil)
    }

    /// Throws unless this set could have come out of `verify_token_group`: Python always
    /// cleans `token_type` to "Bearer".
    public func validate() throws(TokenFormatError) {
        guard tokenType == "Bearer" else {
            throw TokenFormatError(.invalidTokenType, resourceServer: resourceServer, keys: ["token_type"])
        }
    }
}

extension Dictionary where Key == String, Value == TokenSet {
    /// Validates a parsed JSON object of token groups keyed by resource server.
    public static func validated(fromJSONObject object: Any) throws(TokenFormatError) -> TokenMap {
        try TokenValidation.tokenMap(from: JSONValue(any: object))
    }

    /// Throws unless every set is valid and filed under its own resource server.
    public func validate() throws(TokenFormatError) {
        // Sorted only to blame the same set every time, so only once something is wrong.
        guard contains(where: { $0.key != $0.value.resourceServer || $0.value.tokenType != "Bearer" }) else { return }
        for key in keys.sorted() {
            guard let set = self[key] else { continue }
            guard set.resourceServer == key else {
                throw TokenFormatError(.resourceServerMismatch, resourceServer: key, keys: ["resource_server"])
            }
            try set.validate()
        }
    }
}
