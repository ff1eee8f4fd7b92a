internal import Tokens
internal import TokenVault

/// The two plaintext formats of Fair Research Login's storages, written to a string for
/// `export`: `JSONTokenStorage` (json.dump with indent=2) and `ConfigParserTokenStorage`
/// (flat_pack into one section, ConfigParser.write). Resource servers are sorted so the
/// output is stable; Python reads either back with its own storage classes.
enum PythonFormats {
    enum Format: String, CaseIterable {
        case json, cfg
    }

    static func json(_ tokenSets: [TokenSetFields], in plaintext: RawSpan, streamingTo descriptor: Int32) -> OutputBytes {
        var output = OutputBytes(streamingTo: descriptor)
        var writer = TokenMapWriter(revealed: true, fieldsSorted: false)
        writer.write(tokenSets, in: plaintext, indent: 0, to: &output)
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    /// Writes a namespace's token sets as a JSON object keyed by resource server, laid out as
    /// `appendJSONObject` lays out an object; each set's fields in globus-sdk's order, which is
    /// what Python's json.dump preserves (`export`), or sorted as `JSONValue.object` sorts keys
    /// (`show --json`). Unless `revealed`, the access and refresh tokens read `[redacted]` (a
    /// refresh token only when there is one). Everything between the values (line breaks,
    /// indents, quoted field names, the braces between one set and the next) is made once per
    /// indent and copied in one piece: writing it piece by piece for every set, through the
    /// general object writer, was most of an export's work.
    struct TokenMapWriter {
        let revealed: Bool
        private let fields: [Field]
        private var layout: Layout?

        /// The text around the values for one indent, all in one buffer.
        private struct Layout {
            let indent: Int
            var text: [UInt8] = []
            /// Where each piece lies in `text`: the object's opening (up to the first key), the
            /// text after the key and before each field's value, what closes one set and leads
            /// to the next key, and the object's end.
            var opening = 0..<0
            var beforeValue: [Range<Int>] = []
            var between = 0..<0
            var closing = 0..<0
        }

        init(revealed: Bool, fieldsSorted: Bool) {
            self.revealed = revealed
            fields = fieldsSorted ? Field.sortedOrder : Field.pythonOrder
        }

        mutating func write(_ tokenSets: [TokenSetFields], in plaintext: RawSpan, indent: Int, to output: inout OutputBytes) {
            if tokenSets.isEmpty {
                output.append("{}")
                return
            }
            let layout = self.layout.flatMap { $0.indent == indent ? $0 : nil } ?? Self.layout(fields: fields, indent: indent)
            self.layout = layout
            layout.text.withUnsafeBufferPointer { text in
                func piece(_ range: Range<Int>) { output.append(bytesOf: UnsafeBufferPointer(rebasing: text[range])) }
                piece(layout.opening)
                var isFirst = true
                for set in tokenSets {
                    if !isFirst { piece(layout.between) }
                    isFirst = false
                    plaintext.withUTF8(set.resourceServer) { output.appendJSONString(utf8: $0) }
                    for position in fields.indices {
                        piece(layout.beforeValue[position])
                        writeValue(fields[position], of: set, in: plaintext, to: &output)
                    }
                }
                piece(layout.closing)
            }
        }

        private func writeValue(_ field: Field, of set: TokenSetFields, in plaintext: RawSpan, to output: inout OutputBytes) {
            func string(_ text: JSONReader.ParsedString) { plaintext.withUTF8(text) { output.appendJSONString(utf8: $0) } }
            switch field {
            case .scope: string(set.scope)
            case .accessToken:
                if revealed { string(set.accessToken) } else { output.append(redacted) }
            case .refreshToken:
                if let refresh = set.refreshToken {
                    if revealed { string(refresh) } else { output.append(redacted) }
                } else {
                    output.append("null")
                }
            // The token rules every lent set passed allow no other type.
            case .tokenType: output.append(#""Bearer""#)
            case .expiresAtSeconds: output.append(decimal: set.expiresAtSeconds)
            case .resourceServer: string(set.resourceServer)
            }
        }

        private static func layout(fields: [Field], indent: Int) -> Layout {
            var layout = Layout(indent: indent)
            var text = OutputBytes()
            func mark(_ build: (inout OutputBytes) -> Void) -> Range<Int> {
                let start = text.count
                build(&text)
                return start..<text.count
            }
            layout.opening = mark {
                $0.append("{\n")
                $0.append(spaces: indent + 2)
            }
            for (index, field) in fields.enumerated() {
                layout.beforeValue.append(mark {
                    $0.append(index == 0 ? ": {\n" : ",\n")
                    $0.append(spaces: indent + 4)
                    $0.append(byte: UInt8(ascii: "\""))
                    $0.append(field.name)
                    $0.append("\": ")
                })
            }
            layout.between = mark {
                $0.append(byte: UInt8(ascii: "\n"))
                $0.append(spaces: indent + 2)
                $0.append("},\n")
                $0.append(spaces: indent + 2)
            }
            layout.closing = mark {
                $0.append(byte: UInt8(ascii: "\n"))
                $0.append(spaces: indent + 2)
                $0.append("}\n")
                $0.append(spaces: indent)
                $0.append(byte: UInt8(ascii: "}"))
            }
            layout.text = Array(text.text.utf8)
            return layout
        }
    }

    /// `"[redacted]"`, quotes included.
    private static let redacted: StaticString = "\"[redacted]\""

    /// The six keys of a token set, named as Python names them.
    private enum Field {
        case scope, accessToken, refreshToken, tokenType, expiresAtSeconds, resourceServer

        /// The order globus-sdk returns them in, which json.dump keeps.
        static let pythonOrder: [Field] = [.scope, .accessToken, .refreshToken, .tokenType, .expiresAtSeconds, .resourceServer]
        /// Code point order of the names, as `JSONValue.object` sorts keys.
        static let sortedOrder = pythonOrder.sorted { CodePointOrder.precedes("\($0.name)", "\($1.name)") }

        var name: StaticString {
            switch self {
            case .scope: "scope"
            case .accessToken: "access_token"
            case .refreshToken: "refresh_token"
            case .tokenType: "token_type"
            case .expiresAtSeconds: "expires_at_seconds"
            case .resourceServer: "resource_server"
            }
        }
    }

    /// One INI section as `ConfigParser.write` lays it out: `key = value`, a blank line after
    /// the section, an empty value as `key = ` (Python writes None as ""). Option names are
    /// lower-cased because ConfigParser's `optionxform` does that on every `set`.
    static func cfg(_ tokenSets: [TokenSetFields], in plaintext: RawSpan, section: String, streamingTo descriptor: Int32) -> OutputBytes {
        var output = OutputBytes(streamingTo: descriptor)
        output.append("[")
        output.append(section)
        output.append("]\n")
        for set in tokenSets {
            // flat_pack's key for each field, lower-cased as optionxform does: the server's
            // part ("auth_globus_org__") made once per set. ("_" ends any casing context, so
            // lower-casing the parts apart gives what lower-casing the whole key would.)
            let prefix = defaultNameKey(plaintext.string(set.resourceServer), "").lowercased()
            for field in Field.pythonOrder {
                output.append(prefix)
                output.append(field.name)
                output.append(" = ")
                switch field {
                case .scope: plaintext.withUTF8(set.scope) { appendINIValue($0, to: &output) }
                case .accessToken: plaintext.withUTF8(set.accessToken) { appendINIValue($0, to: &output) }
                case .refreshToken: if let refresh = set.refreshToken { plaintext.withUTF8(refresh) { appendINIValue($0, to: &output) } }
                case .tokenType: output.append("Bearer")
                case .expiresAtSeconds: output.append(decimal: set.expiresAtSeconds)
                case .resourceServer: plaintext.withUTF8(set.resourceServer) { appendINIValue($0, to: &output) }
                }
                output.append(byte: UInt8(ascii: "\n"))
            }
        }
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    /// A value as `ConfigParserTokenStorage` (and `INIDocument.format`) writes it: "%" doubled,
    /// which ConfigParser's interpolation undoes on reading, and a line break continued on a
    /// tab-indented line (Python's `value.replace("\n", "\n\t")`).
    private static func appendINIValue(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout OutputBytes) {
        guard bytes.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "%") }) else {
            output.append(bytesOf: bytes)
            return
        }
        for byte in bytes {
            output.append(byte: byte)
            if byte == UInt8(ascii: "\n") { output.append(byte: UInt8(ascii: "\t")) }
            if byte == UInt8(ascii: "%") { output.append(byte: byte) }
        }
    }
}
