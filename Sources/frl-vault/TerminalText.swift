internal import TokenVault

/// Text from a vault or an imported file made safe to print on a terminal. Resource-server
/// names, scopes and namespaces come from files anyone may have written; an escape sequence
/// in one could retitle the window, hide lines or rewrite what is on the screen, and a
/// newline could forge a line of output. `--json` output needs none of this: its strings
/// escape every such character already.
enum TerminalText {
    /// Every C0 control (line breaks and tabs too), DEL and C1 control shown as `\xHH`.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let digits = String(scalar.value, radix: 16, uppercase: true)
                output += "\\x" + (digits.count < 2 ? "0" + digits : digits)
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

    static func write(_ text: TokenText, to output: inout OutputBytes) {
        text.withUTF8 { bytes in
            if text.isKnownPlainASCII {
                output.append(bytesOf: bytes)
            } else {
                write(bytes: bytes, to: &output)
            }
        }
    }

    /// Control characters are rare, so the bytes are checked first and copied whole: printable
    /// ASCII a word at a time; otherwise no byte below 0x20, no DEL and no 0xC2 (the lead byte
    /// of every C1 control's UTF-8 form; other characters starting with it take the careful
    /// path too).
    private static func write(bytes: UnsafeBufferPointer<UInt8>, to output: inout OutputBytes) {
        if OutputBytes.isPrintableASCII(bytes) || bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != 0xC2 }) {
            output.append(bytesOf: bytes)
        } else {
            output.append(printable(String(decoding: bytes, as: UTF8.self)))
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
