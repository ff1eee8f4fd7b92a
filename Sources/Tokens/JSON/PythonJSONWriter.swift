/// Writes a token map byte for byte as Fair Research Login's `JSONTokenStorage` does:
/// `json.dump(tokens, fh, indent=2)` with Python's defaults (`ensure_ascii=True`, separators
/// `","` and `": "`, no trailing newline). Resource servers are written in code point order
/// (Python's `sorted`) and each set's keys in the order Globus returns them, so the output is
/// deterministic.
enum PythonJSONWriter {
    static func encode(_ tokens: TokenMap) -> [UInt8] {
        encodeNoting(tokens).bytes
    }

    /// The bytes, and whether every set passed the rules of `TokenMap.validate()` (filed under
    /// its own resource server, token type "Bearer"), checked on the way so that a valid map,
    /// nearly every one, needs no second pass.
    static func encodeNoting(_ tokens: TokenMap) -> (bytes: [UInt8], everySetValid: Bool) {
        guard !tokens.isEmpty else { return (Array("{}".utf8), true) }
        var out: [UInt8] = []
        // Room for a typical set (a few hundred bytes) each, so the buffer grows rarely.
        out.reserveCapacity(tokens.count * 512)
        out.append(UInt8(ascii: "{"))
        var everySetValid = true
        for (position, index) in CodePointOrder.indices(of: tokens).enumerated() {
            append(position == 0 ? "\n  " : ",\n  ", to: &out)
            everySetValid = write(tokens.values[index], filedUnder: tokens.keys[index], to: &out) && everySetValid
        }
        append("\n}", to: &out)
        return (out, everySetValid)
    }

    /// One `"server": {...}` entry; false when the set breaks a map rule.
    private static func write(_ set: borrowing TokenSet, filedUnder resourceServer: String, to out: inout [UInt8]) -> Bool {
        appendQuoted(resourceServer, to: &out)
        append(": {\n    \"scope\": ", to: &out)
        appendQuoted(set.scope, to: &out)
        append(",\n    \"access_token\": ", to: &out)
        appendQuoted(set.accessToken, to: &out)
        append(",\n    \"refresh_token\": ", to: &out)
        if let refreshToken = set.refreshToken {
            appendQuoted(refreshToken, to: &out)
        } else {
            append("null", to: &out)
        }
        append(",\n    \"token_type\": ", to: &out)
        appendQuoted(set.tokenType, to: &out)
        append(",\n    \"expires_at_seconds\": ", to: &out)
        append(String(set.expiresAtSeconds), to: &out)
        append(",\n    \"resource_server\": ", to: &out)
        appendQuoted(set.resourceServer, to: &out)
        append("\n  }", to: &out)
        return set.resourceServer == resourceServer && set.tokenType == "Bearer"
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// Python's `py_encode_basestring_ascii`: everything outside printable ASCII is escaped,
    /// astral characters as a lowercase surrogate pair. Printable ASCII without `"` or `\`
    /// (every Globus token) is copied as it is.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        let copied = text.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
                return false
            }
            out.append(contentsOf: utf8)
            return true
        }
        if !copied {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": append("\\\"", to: &out)
                case "\\": append("\\\\", to: &out)
                case "\n": append("\\n", to: &out)
                case "\r": append("\\r", to: &out)
                case "\t": append("\\t", to: &out)
                case "\u{08}": append("\\b", to: &out)
                case "\u{0C}": append("\\f", to: &out)
                case " "..."~": out.append(UInt8(scalar.value))
                default:
                    for unit in String(scalar).utf16 {
                        append("\\u", to: &out)
                        let digits = String(unit, radix: 16)
                        append(String(repeating: "0", count: 4 - digits.count) + digits, to: &out)
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
