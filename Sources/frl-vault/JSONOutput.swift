/// A JSON value written the same way every time: keys sorted (or in a fixed order), two-space indent, the
/// separators and escapes of Python's `json.dump(obj, indent=2)` (non-ASCII as \uXXXX, "/"
/// left alone). Stable output is part of the `--json` contract, and the export is then byte
/// for byte what the Python library would have written for the same sorted map.
indirect enum JSONValue {
    case object([String: JSONValue])
    /// Members in the given order: the export's token sets keep the field order the Python
    /// library writes (globus-sdk's), so the output is the same bytes.
    case orderedObject([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The text, with a final newline.
    func rendered() -> String {
        var output = ""
        write(to: &output, indent: 0)
        output += "\n"
        return output
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .object(let members):
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            JSONValue.orderedObject(keys.map { ($0, members[$0]!) }).write(to: &output, indent: indent)
        case .orderedObject(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += String(repeating: " ", count: indent + 2)
                Self.writeString(key, to: &output)
                output += ": "
                value.write(to: &output, indent: indent + 2)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        case .array(let elements):
            if elements.isEmpty { output += "[]"; return }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += String(repeating: " ", count: indent + 2)
                element.write(to: &output, indent: indent + 2)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case .string(let text): Self.writeString(text, to: &output)
        case .integer(let number): output += String(number)
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        }
    }

    private static func writeString(_ text: String, to output: inout String) {
        // Nearly every string here (tokens, scopes, host names) is printable ASCII with
        // nothing to escape: copy it whole instead of scalar by scalar.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x5C }) {
            output += "\""
            output += text
            output += "\""
            return
        }
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case " "..."~": output.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { output += "\\u" + hex4(unit) }
            }
        }
        output += "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
