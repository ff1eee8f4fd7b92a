internal import ArgumentParser
internal import Tokens
internal import TokenVault

/// `show`: the token sets, values redacted unless `--reveal`.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the token sets (values redacted unless --reveal).")

    static let redacted: StaticString = "[redacted]"

    @OptionGroup var vault: VaultOptions

    @Option(help: ArgumentHelp("Only this namespace (default: all).", valueName: "name"))
    var namespace: String?

    @Flag(help: "Print access and refresh tokens in clear.")
    var reveal = false

    @Flag(help: "Print JSON (see the README for the schema).")
    var json = false

    func run() throws {
        let opened = try OpenVault(vault)
        let now = Posix.now()
        try opened.storage.withLentNamespaces { plaintext, namespaces in
            let shown = namespaces.filter { namespace == nil || $0.name == namespace }
            Posix.writeStandardOutput(json ? jsonText(opened.path, shown, plaintext) : text(opened.path, shown, plaintext, now))
        }
    }

    /// What `JSONValue.object` would render for the path, the flag and every visible set,
    /// written without building the tree.
    private func jsonText(_ path: String, _ namespaces: [LentNamespace], _ plaintext: RawSpan) -> OutputBytes {
        var output = OutputBytes(streamingTo: Posix.standardOutput)
        var writer = PythonFormats.TokenMapWriter(revealed: reveal, fieldsSorted: true)
        output.appendJSONObject(["namespaces", "path", "revealed"], key: { $0 }, indent: 0) { key, indent, output in
            switch key {
            case "namespaces":
                output.appendJSONObject(namespaces, key: \.name, indent: indent) { view, indent, output in
                    writer.write(view.tokenSets, in: plaintext, indent: indent, to: &output)
                }
            case "path": output.appendJSONString(path)
            default: output.append(reveal ? "true" : "false")
            }
        }
        output.append(byte: UInt8(ascii: "\n"))
        return output
    }

    private func text(_ path: String, _ namespaces: [LentNamespace], _ plaintext: RawSpan, _ now: Int) -> OutputBytes {
        var output = OutputBytes(streamingTo: Posix.standardOutput)
        output.append("vault ")
        TerminalText.write(path, to: &output)
        output.append(byte: UInt8(ascii: "\n"))
        if namespaces.isEmpty { output.append("no token sets\n") }
        for view in namespaces {
            output.append("namespace ")
            TerminalText.write(view.name, to: &output)
            output.append(byte: UInt8(ascii: "\n"))
            for set in view.tokenSets { writeTokenSet(set, plaintext, now, to: &output) }
        }
        return output
    }

    /// One token set's rows, laid out as `TokenReport.table` would lay them out.
    private func writeTokenSet(_ set: TokenSetFields, _ plaintext: RawSpan, _ now: Int, to output: inout OutputBytes) {
        func write(_ text: JSONReader.ParsedString) { plaintext.withUTF8(text) { TerminalText.write(bytes: $0, to: &output) } }
        let width = "refresh_token".utf8.count
        output.append("  ")
        write(set.resourceServer)
        output.append(byte: UInt8(ascii: "\n"))
        TokenReport.writeLabel("scope", width: width, indent: 4, to: &output)
        write(set.scope)
        output.append(byte: UInt8(ascii: "\n"))
        TokenReport.writeLabel("access_token", width: width, indent: 4, to: &output)
        if reveal { write(set.accessToken) } else { output.append(Self.redacted) }
        output.append(byte: UInt8(ascii: "\n"))
        TokenReport.writeLabel("refresh_token", width: width, indent: 4, to: &output)
        if let refresh = set.refreshToken {
            if reveal { write(refresh) } else { output.append(Self.redacted) }
        } else {
            output.append("(none)")
        }
        output.append(byte: UInt8(ascii: "\n"))
        TokenReport.writeLabel("token_type", width: width, indent: 4, to: &output)
        output.append("Bearer")
        output.append(byte: UInt8(ascii: "\n"))
        TokenReport.writeLabel("expires", width: width, indent: 4, to: &output)
        TokenReport.writeExpiry(set.expiresAtSeconds, now: now, to: &output)
    }
}
