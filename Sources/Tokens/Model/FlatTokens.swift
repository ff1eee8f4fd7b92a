/// Names a flat key from a resource server and a field name.
public typealias FlatNameKey = (_ resourceServer: String, _ field: String) -> String
/// Splits a flat key back into a grouping name and a field name.
public typealias FlatFetchKey = (_ flatKey: String) throws -> (group: String, field: String)

/// Python's `default_name_key`: `auth.globus.org` + `access_token` ->
/// `auth_globus_org__access_token`.
public func defaultNameKey(_ resourceServer: String, _ field: String) -> String {
    resourceServer.replacingASCII(".", with: "_") + "__" + field
}

/// Python's `default_fetch_key`: the key must hold exactly one `__`; the grouping name is the
/// part before it with `_` turned back into `.` (only for grouping: the real name is the
/// stored `resource_server`, so servers with underscores survive).
public func defaultFetchKey(_ flatKey: String) throws -> (group: String, field: String) {
    let parts = flatKey.splitOnASCII("__")
    guard parts.count == 2 else {
        throw TokenFormatError(.unexpectedValues, resourceServer: nil, keys: [flatKey])
    }
    return (parts[0].replacingASCII("_", with: "."), parts[1])
}

/// Python's `flat_pack`: one flat dict for a config section. Integers become strings and a
/// missing refresh token becomes "".
public func flatPack(_ tokens: TokenMap, nameKey: FlatNameKey = defaultNameKey) -> [String: String] {
    Dictionary(orderedFlatPack(tokens, nameKey: nameKey), uniquingKeysWith: { _, last in last })
}

/// `flatPack` in a deterministic order: resource servers sorted, fields in Globus's order.
func orderedFlatPack(_ tokens: TokenMap, nameKey: FlatNameKey = defaultNameKey) -> [(String, String)] {
    tokens.keys.sorted().flatMap { key -> [(String, String)] in
        guard let set = tokens[key] else { return [] }
        return set.fields.map { field, value in
            let text: String
            switch value {
            case .string(let string): text = string
            case .integer(let number): text = String(number)
            case .none: text = ""
            }
            return (nameKey(set.resourceServer, field.rawValue), text)
        }
    }
}

/// Python's `flat_unpack` followed by `verify_token_group` on each set: "" means absent
/// (None), `expires_at_seconds` goes through `int()`, and each set is filed under its stored
/// `resource_server`. Throws `TokenFormatError`, or whatever `fetchKey` throws.
public func flatUnpack(_ flat: [String: String], fetchKey: FlatFetchKey = defaultFetchKey) throws -> TokenMap {
    var groups: [String: [String: JSONValue]] = [:]
    for flatKey in flat.keys.sorted() {
        guard let value = flat[flatKey] else { continue }
        let (group, field) = try fetchKey(flatKey)
        groups[group, default: [:]][field] = value.isEmpty ? .null : .string(value)
    }
    var tokens = TokenMap()
    for group in groups.keys.sorted() {
        guard let fields = groups[group] else { continue }
        let set = try TokenValidation.tokenSet(from: .object(fields), filedUnder: fields["resource_server"]?.stringValue ?? group)
        // Python keeps the last of two groups that claim one server; which is last depends on
        // the file's order, so refuse instead of guessing.
        guard tokens[set.resourceServer] == nil else {
            throw TokenFormatError(.resourceServerMismatch, resourceServer: set.resourceServer, keys: ["resource_server"])
        }
        tokens[set.resourceServer] = set
    }
    return tokens
}
