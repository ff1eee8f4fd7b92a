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

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
