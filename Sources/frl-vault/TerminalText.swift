internal import TokenVault

/// Text from a vault or an imported file made safe to print on a terminal. Resource-server
/// names, scopes and namespaces come from files anyone may have written; an escape sequence
/// in one could retitle the window, hide lines or rewrite what is on the screen, and a
/// newline could forge a line of output. `--json` output needs none of this: its strings
/// escape every such character already.
enum TerminalText {
    /// Every C0 control (line breaks and tabs too), DEL and C1 control shown as `\xHH`; every
    /// invisible format character (bidi overrides and isolates, which reorder what follows them
    /// on the screen; zero-width spaces and joiners; the byte-order mark) and the Unicode line
    /// and paragraph separators shown as `\uHHHH`.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let digits = String(scalar.value, radix: 16, uppercase: true)
                if scalar.value < 0x100 {
                    output += "\\x" + (digits.count < 2 ? "0" + digits : digits)
                } else {
                    output += "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
                }
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `printable(text)` appended to a report.
    static func write(_ text: String, to output: inout OutputBytes) {
        var text = text
        text.withUTF8 { write(bytes: $0, to: &output) }
    }

    /// Control characters are rare, so printable ASCII is checked a word at a time and copied
    /// whole; anything else (a byte outside printable ASCII) takes the careful path, since the
    /// format characters are spread over many UTF-8 lead bytes.
    static func write(bytes: UnsafeBufferPointer<UInt8>, to output: inout OutputBytes) {
        if OutputBytes.isPrintableASCII(bytes) {
            output.append(bytesOf: bytes)
        } else {
            output.append(printable(String(decoding: bytes, as: UTF8.self)))
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
        guard scalar.value >= 0xA0 else { return false }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
