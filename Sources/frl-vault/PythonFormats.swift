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
        var output = OutputBytes(reservingCapacity: tokens.count * 512 + 64)
        output.appendJSONObject(keys: OutputBytes.jsonOrder(tokens), indent: 0) { resourceServer, indent, output in
            guard let tokenSet = tokens[resourceServer] else { return }
            writeTokenSet(tokenSet, fieldsSorted: false, indent: indent, to: &output)
        }
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    /// One token set as JSON: the fields in globus-sdk's order, which is what Python's
    /// json.dump preserves (`export`), or sorted as `JSONValue.object` sorts keys (`show --json`).
    static func writeTokenSet(_ set: TokenSet, fieldsSorted: Bool, indent: Int, to output: inout OutputBytes) {
        let fields = fieldsSorted ? sortedFieldNames : fieldNames
        output.appendJSONObject(keys: fields, indent: indent) { field, _, output in
            switch field {
            case "scope": output.appendJSONString(set.scope)
            case "access_token": output.appendJSONString(set.accessToken)
            case "refresh_token":
                if let refresh = set.refreshToken { output.appendJSONString(refresh) } else { output.append("null") }
            case "token_type": output.appendJSONString(set.tokenType)
            case "expires_at_seconds": output.append(decimal: set.expiresAtSeconds)
            default: output.appendJSONString(set.resourceServer)
            }
        }
    }

    private static let fieldNames = ["scope", "access_token", "refresh_token", "token_type", "expires_at_seconds", "resource_server"]
    private static let sortedFieldNames = fieldNames.sorted(by: OutputBytes.precedesInCodePointOrder)

    /// One INI section as `ConfigParser.write` lays it out: `key = value`, a blank line after
    /// the section, an empty value as `key = ` (Python writes None as ""). Option names are
    /// lower-cased because ConfigParser's `optionxform` does that on every `set`.
    static func cfg(_ tokens: TokenMap, section: String) -> String {
        var output = "[\(section)]\n"
        for (_, set) in tokens.sorted(by: { $0.key < $1.key }) {
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
