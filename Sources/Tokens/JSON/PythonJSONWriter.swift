/// Writes a token map byte for byte as Fair Research Login's `JSONTokenStorage` does:
/// `json.dump(tokens, fh, indent=2)` with Python's defaults (`ensure_ascii=True`, separators
/// `","` and `": "`, no trailing newline). Resource servers are written in sorted order and each
/// set's keys in the order Globus returns them, so the output is deterministic.
enum PythonJSONWriter {
    static func encode(_ tokens: TokenMap) -> [UInt8] {
        guard !tokens.isEmpty else { return Array("{}".utf8) }
        var out = "{"
        var firstServer = true
        for resourceServer in tokens.keys.sorted() {
            guard let set = tokens[resourceServer] else { continue }
            out += firstServer ? "\n  " : ",\n  "
            firstServer = false
            out += quoted(resourceServer) + ": {"
            var firstField = true
            for (key, value) in set.fields {
                out += firstField ? "\n    " : ",\n    "
                firstField = false
                out += quoted(key.rawValue) + ": "
                switch value {
                case .string(let text): out += quoted(text)
                case .integer(let number): out += String(number)
                case .none: out += "null"
                }
            }
            out += "\n  }"
        }
        out += "\n}"
        return Array(out.utf8)
    }

    /// Python's `py_encode_basestring_ascii`: everything outside printable ASCII is escaped,
    /// astral characters as a lowercase surrogate pair.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 {
                    out += "\\u" + hex4(unit)
                }
            }
        }
        return out + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
