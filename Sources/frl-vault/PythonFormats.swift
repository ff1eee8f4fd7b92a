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

    static func json(_ tokenSets: [TokenSetView], streamingTo descriptor: Int32) -> OutputBytes {
        var output = OutputBytes(streamingTo: descriptor)
        var writer = TokenSetWriter(revealed: true, fieldsSorted: false)
        output.appendJSONObject(tokenSets, key: \.resourceServer, indent: 0) { tokenSet, indent, output in
            writer.write(tokenSet, indent: indent, to: &output)
        }
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    /// Writes token sets as JSON: the fields in globus-sdk's order, which is what Python's
    /// json.dump preserves (`export`), or sorted as `JSONValue.object` sorts keys (`show --json`).
    /// Unless `revealed`, the access and refresh tokens read `[redacted]` (a refresh token only
    /// when there is one). Laid out as `appendJSONObject` lays out an object. The text between
    /// the values (line breaks, indent, quoted names) is made once per indent and copied, since
    /// writing it piece by piece for every set was most of an export's work.
    struct TokenSetWriter {
        let revealed: Bool
        private let fields: [Field]
        private var indent: Int?
        /// Before each field, then the object's end, one after the other.
        private var separators: [UInt8] = []
        private var separatorEnds: [Int] = []

        init(revealed: Bool, fieldsSorted: Bool) {
            self.revealed = revealed
            fields = fieldsSorted ? Field.sortedOrder : Field.pythonOrder
        }

        mutating func write(_ set: TokenSetView, indent: Int, to output: inout OutputBytes) {
            if indent != self.indent { makeSeparators(indent: indent) }
            separators.withUnsafeBufferPointer { separators in
                var start = 0
                for (index, field) in fields.enumerated() {
                    let end = separatorEnds[index]
                    output.append(bytesOf: UnsafeBufferPointer(rebasing: separators[start..<end]))
                    start = end
                    switch field {
                    case .scope: output.appendJSONString(set.scope)
                    case .accessToken:
                        if revealed { output.appendJSONString(set.accessToken) } else { output.append(redacted) }
                    case .refreshToken:
                        if let refresh = set.refreshToken {
                            if revealed { output.appendJSONString(refresh) } else { output.append(redacted) }
                        } else {
                            output.append("null")
                        }
                    case .tokenType: output.appendJSONString(set.tokenType)
                    case .expiresAtSeconds: output.append(decimal: set.expiresAtSeconds)
                    case .resourceServer: output.appendJSONString(set.resourceServer)
                    }
                }
                output.append(bytesOf: UnsafeBufferPointer(rebasing: separators[start...]))
            }
        }

        private mutating func makeSeparators(indent: Int) {
            var text = OutputBytes()
            var ends: [Int] = []
            for (index, field) in fields.enumerated() {
                text.append(index == 0 ? "{\n" : ",\n")
                text.append(spaces: indent + 2)
                text.append(byte: UInt8(ascii: "\""))
                text.append(field.name)
                text.append("\": ")
                ends.append(text.count)
            }
            text.append(byte: UInt8(ascii: "\n"))
            text.append(spaces: indent)
            text.append(byte: UInt8(ascii: "}"))
            separators = Array(text.text.utf8)
            separatorEnds = ends
            self.indent = indent
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
    static func cfg(_ tokenSets: [TokenSetView], section: String, streamingTo descriptor: Int32) -> OutputBytes {
        var output = OutputBytes(streamingTo: descriptor)
        output.append("[")
        output.append(section)
        output.append("]\n")
        for set in tokenSets {
            // flat_pack's key for each field, lower-cased as optionxform does: the server's
            // part ("auth_globus_org__") made once per set. ("_" ends any casing context, so
            // lower-casing the parts apart gives what lower-casing the whole key would.)
            let prefix = defaultNameKey(set.resourceServer.string, "").lowercased()
            for field in Field.pythonOrder {
                output.append(prefix)
                output.append(field.name)
                output.append(" = ")
                switch field {
                case .scope: appendINIValue(set.scope, to: &output)
                case .accessToken: appendINIValue(set.accessToken, to: &output)
                case .refreshToken: if let refresh = set.refreshToken { appendINIValue(refresh, to: &output) }
                case .tokenType: appendINIValue(set.tokenType, to: &output)
                case .expiresAtSeconds: output.append(decimal: set.expiresAtSeconds)
                case .resourceServer: appendINIValue(set.resourceServer, to: &output)
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
    private static func appendINIValue(_ value: TokenText, to output: inout OutputBytes) {
        value.withUTF8 { bytes in
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
}
