#if canImport(Glibc)
import Glibc
#endif
internal import Tokens
internal import TokenVault

/// A JSON value written the same way every time: keys sorted (or in a fixed order), two-space indent, the
/// separators and escapes of Python's `json.dump(obj, indent=2)` (non-ASCII as \uXXXX, "/"
/// left alone). Stable output is part of the `--json` contract, and the export is then byte
/// for byte what the Python library would have written for the same sorted map.
indirect enum JSONValue {
    case object([String: JSONValue])
    /// Members in the given order (what `.object` writes once it has sorted its keys).
    case orderedObject([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The text, with a final newline, as bytes ready for one write.
    func rendered() -> OutputBytes {
        var output = OutputBytes(reservingCapacity: 1 << 16)
        write(to: &output, indent: 0)
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    private func write(to output: inout OutputBytes, indent: Int) {
        switch self {
        case .object(let members):
            let keys = OutputBytes.jsonOrder(members)
            JSONValue.orderedObject(keys.compactMap { key in members[key].map { (key, $0) } }).write(to: &output, indent: indent)
        case .orderedObject(let members):
            if members.isEmpty { output.append("{}"); return }
            output.append("{\n")
            for (index, (key, value)) in members.enumerated() {
                output.append(spaces: indent + 2)
                output.appendJSONString(key)
                output.append(": ")
                value.write(to: &output, indent: indent + 2)
                output.append(index == members.count - 1 ? "\n" : ",\n")
            }
            output.append(spaces: indent)
            output.append(byte: UInt8(ascii: "}"))
        case .array(let elements):
            if elements.isEmpty { output.append("[]"); return }
            output.append("[\n")
            for (index, element) in elements.enumerated() {
                output.append(spaces: indent + 2)
                element.write(to: &output, indent: indent + 2)
                output.append(index == elements.count - 1 ? "\n" : ",\n")
            }
            output.append(spaces: indent)
            output.append(byte: UInt8(ascii: "]"))
        case .string(let text): output.appendJSONString(text)
        case .integer(let number): output.append(decimal: number)
        case .bool(let flag): output.append(flag ? "true" : "false")
        case .null: output.append("null")
        }
    }

    fileprivate static func writeString(_ text: String, to output: inout OutputBytes) {
        output.append(byte: UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case "\u{08}": output.append("\\b")
            case "\u{0C}": output.append("\\f")
            case " "..."~": output.append(byte: UInt8(scalar.value))
            default:
                for unit in String(scalar).utf16 {
                    output.append("\\u")
                    writeHex4(unit, to: &output)
                }
            }
        }
        output.append(byte: UInt8(ascii: "\""))
    }

    /// Lower-case, as Python writes `\uXXXX`.
    private static func writeHex4(_ unit: UInt16, to output: inout OutputBytes) {
        let digits: StaticString = "0123456789abcdef"
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(byte: digits.utf8Start[Int(unit >> UInt16(shift)) & 0xF])
        }
    }
}

/// The JSON layout above written straight from the data, for the reports over every token
/// set: building a `JSONValue` tree of a thousand sets and freeing it again cost more than
/// writing the text.
extension OutputBytes {
    /// A JSON string literal with Python's escapes.
    mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONString(utf8: $0) }
    }

    /// Nearly every string here (tokens, scopes, host names) is printable ASCII with nothing
    /// to escape: checked and copied as one buffer instead of scalar by scalar.
    mutating func appendJSONString(utf8 buffer: UnsafeBufferPointer<UInt8>) {
        if OutputBytes.isPlainJSONText(buffer) {
            appendQuoted(buffer)
        } else {
            JSONValue.writeString(String(decoding: buffer, as: UTF8.self), to: &self)
        }
    }

    /// An object of one member per element, named by `key` and written by `member` (given the
    /// element and the member's indent), laid out as `JSONValue.orderedObject`.
    mutating func appendJSONObject<Element>(
        _ elements: [Element], key: (Element) -> String, indent: Int, member: (Element, Int, inout OutputBytes) -> Void
    ) {
        if elements.isEmpty { append("{}"); return }
        append("{\n")
        for (index, element) in elements.enumerated() {
            append(spaces: indent + 2)
            appendJSONString(key(element))
            append(": ")
            member(element, indent + 2, &self)
            append(index == elements.count - 1 ? "\n" : ",\n")
        }
        append(spaces: indent)
        append(byte: UInt8(ascii: "}"))
    }

    /// Keys in the order `JSONValue.object` writes them: code point order, which is UTF-8
    /// byte order, and comparing bytes skips the scalar decoding that made sorting a
    /// thousand keys show up in profiles.
    static func jsonOrder<Value>(_ dictionary: [String: Value]) -> [String] {
        dictionary.keys.sorted(by: CodePointOrder.precedes)
    }
}
