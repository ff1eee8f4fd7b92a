internal import Tokens

/// The two plaintext formats of Fair Research Login's storages, written to a string for
/// `export`: `JSONTokenStorage` (json.dump with indent=2) and `ConfigParserTokenStorage`
/// (flat_pack into one section, ConfigParser.write). Resource servers are sorted so the
/// output is stable; Python reads either back with its own storage classes.
enum PythonFormats {
    enum Format: String, CaseIterable {
        case json, cfg
    }

    static func json(_ tokens: TokenMap) -> OutputBytes {
        JSONValue.object(tokens.mapValues(tokenSetValue)).rendered()
    }

    /// The fields in globus-sdk's order, which is what Python's json.dump preserves.
    static func tokenSetFields(_ set: TokenSet) -> [(String, JSONValue)] {
        [
            ("scope", .string(set.scope)),
            ("access_token", .string(set.accessToken)),
            ("refresh_token", .optional(set.refreshToken)),
            ("token_type", .string(set.tokenType)),
            ("expires_at_seconds", .integer(set.expiresAtSeconds)),
            ("resource_server", .string(set.resourceServer)),
        ]
    }

    static func tokenSetValue(_ set: TokenSet) -> JSONValue { .orderedObject(tokenSetFields(set)) }

    /// One INI section as `ConfigParser.write` lays it out: `key = value`, a blank line after
    /// the section, an empty value as `key = ` (Python writes None as ""). Option names are
    /// lower-cased because ConfigParser's `optionxform` does that on every `set`.
    static func cfg(_ tokens: TokenMap, section: String) -> String {
        var output = "[\(section)]\n"
        for resourceServer in tokens.keys.sorted() {
            let set = tokens[resourceServer]!
            let fields: [(String, String)] = [
                ("scope", set.scope),
                ("access_token", set.accessToken),
                ("refresh_token", set.refreshToken ?? ""),
                ("token_type", set.tokenType),
                ("expires_at_seconds", String(set.expiresAtSeconds)),
                ("resource_server", set.resourceServer),
            ]
            let prefix = set.resourceServer.replacingDots()
            for (field, value) in fields {
                let name = "\(prefix)__\(field)".lowercased()
                output += "\(name) = \(value.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n\t"))\n"
            }
        }
        return output + "\n"
    }
}

extension String {
    /// flat_pack's naming: `auth.globus.org` -> `auth_globus_org`.
    func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
