internal import ArgumentParser
internal import Tokens
internal import TokenVault

/// `show`: the token sets, values redacted unless `--reveal`.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the token sets (values redacted unless --reveal).")

    static let redacted = "[redacted]"

    @OptionGroup var vault: VaultOptions
    @OptionGroup var key: KeyOptions

    @Option(help: ArgumentHelp("Only this namespace (default: all).", valueName: "name"))
    var namespace: String?

    @Flag(help: "Print access and refresh tokens in clear.")
    var reveal = false

    @Flag(help: "Print JSON (see the README for the schema).")
    var json = false

    func run() throws {
        let opened = try OpenVault(vault, key)
        let namespaces = try opened.storage.readAllNamespaces().filter { namespace == nil || $0.key == namespace }
        let now = Posix.now()
        Posix.writeStandardOutput(json ? jsonText(opened.path, namespaces) : text(opened.path, namespaces, now))
    }

    private func visible(_ set: TokenSet) -> TokenSet {
        guard !reveal else { return set }
        var shown = set
        shown.accessToken = Self.redacted
        if TokenReport.hasRefreshToken(set) { shown.refreshToken = Self.redacted } else { shown.refreshToken = nil }
        return shown
    }

    /// What `JSONValue.object` would render for the path, the flag and every visible set,
    /// written without building the tree.
    private func jsonText(_ path: String, _ namespaces: [String: TokenMap]) -> OutputBytes {
        var output = OutputBytes(reservingCapacity: 1 << 16)
        output.appendJSONObject(keys: ["namespaces", "path", "revealed"], indent: 0) { key, indent, output in
            switch key {
            case "namespaces":
                output.appendJSONObject(keys: OutputBytes.jsonOrder(namespaces), indent: indent) { name, indent, output in
                    let map = namespaces[name] ?? [:]
                    output.appendJSONObject(keys: OutputBytes.jsonOrder(map), indent: indent) { resourceServer, indent, output in
                        guard let tokenSet = map[resourceServer] else { return }
                        PythonFormats.writeTokenSet(visible(tokenSet), fieldsSorted: true, indent: indent, to: &output)
                    }
                }
            case "path": output.appendJSONString(path)
            default: output.append(reveal ? "true" : "false")
            }
        }
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    private func text(_ path: String, _ namespaces: [String: TokenMap], _ now: Int) -> OutputBytes {
        var output = OutputBytes(reservingCapacity: 1 << 16)
        output.append("vault ")
        TerminalText.write(path, to: &output)
        output.append(byte: UInt8(ascii: "\n"))
        if namespaces.isEmpty { output.append("no token sets\n") }
        for name in OutputBytes.jsonOrder(namespaces) {
            let map = namespaces[name] ?? [:]
            output.append("namespace ")
            TerminalText.write(name, to: &output)
            output.append(byte: UInt8(ascii: "\n"))
            for resourceServer in OutputBytes.jsonOrder(map) {
                guard let tokenSet = map[resourceServer] else { continue }
                writeTokenSet(resourceServer, visible(tokenSet), now, to: &output)
            }
        }
        return output
    }

    /// One token set's rows, laid out as `TokenReport.table` would lay them out.
    private func writeTokenSet(_ resourceServer: String, _ set: TokenSet, _ now: Int, to output: inout OutputBytes) {
        let width = "refresh_token".utf8.count
        output.append("  ")
        TerminalText.write(resourceServer, to: &output)
        output.append(byte: UInt8(ascii: "\n"))
        let rows: [(StaticString, String)] = [
            ("scope", set.scope),
            ("access_token", set.accessToken),
            ("refresh_token", set.refreshToken ?? "(none)"),
            ("token_type", set.tokenType),
        ]
        for (label, value) in rows {
            TokenReport.writeLabel(label, width: width, indent: 4, to: &output)
            TerminalText.write(value, to: &output)
            output.append(byte: UInt8(ascii: "\n"))
        }
        TokenReport.writeLabel("expires", width: width, indent: 4, to: &output)
        TokenReport.writeExpiry(set, now: now, to: &output)
    }
}
