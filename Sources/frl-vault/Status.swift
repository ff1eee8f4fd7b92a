internal import ArgumentParser
internal import Tokens
internal import TokenVault

/// `status`: the header without a key; with a key, what each namespace holds (never a value).
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the vault's header; with a key, also its token sets' scopes and expiry.",
        discussion: "Never asks for a passphrase: with no key source given, only the header is shown.")

    @OptionGroup var vault: VaultOptions

    @Option(help: ArgumentHelp("Only this namespace (default: all).", valueName: "name"))
    var namespace: String?

    @Flag(help: "Print JSON (see the README for the schema).")
    var json = false

    func run() throws {
        let path = try vault.path()
        let info = try VaultTokenStorage.inspect(path: path)
        let now = Posix.now()
        guard let source = try vault.givenSource() else {
            let nothing: [UInt8] = []
            nothing.withUnsafeBytes { none in
                let plaintext = RawSpan(_unsafeBytes: none)
                Posix.writeStandardOutput(json ? jsonText(path, info, nil, plaintext, now) : text(path, info, nil, plaintext, now))
            }
            return
        }
        let vaultKey = try KeyReading.key(from: source, purpose: .unlock(path: path), kdf: info.argon2idParameters ?? .moderate)
        let storage = VaultTokenStorage(path: path, key: vaultKey, lockTimeoutSeconds: vault.lockTimeout)
        try storage.withLentNamespaces { plaintext, namespaces in
            let shown = namespaces.filter { namespace == nil || $0.name == namespace }
            Posix.writeStandardOutput(json ? jsonText(path, info, shown, plaintext, now) : text(path, info, shown, plaintext, now))
        }
    }

    private func jsonText(_ path: String, _ info: VaultInfo, _ namespaces: [LentNamespace]?, _ plaintext: RawSpan, _ now: Int) -> OutputBytes {
        let contents: JSONValue = namespaces.map { views in
            .orderedObject(views.map { view in
                (view.name, .orderedObject(view.tokenSets.map { (plaintext.string($0.resourceServer), TokenReport.summaryValue($0, in: plaintext, now: now)) }))
            })
        } ?? .null
        return JSONValue.object([
            "path": .string(path),
            "format_version": .integer(info.formatVersion),
            "kdf": TokenReport.kdfValue(info),
            "file_size": .integer(info.fileSize),
            "unlocked": .bool(namespaces != nil),
            "now_seconds": .integer(now),
            "namespaces": contents,
        ]).rendered()
    }

    private func text(_ path: String, _ info: VaultInfo, _ namespaces: [LentNamespace]?, _ plaintext: RawSpan, _ now: Int) -> OutputBytes {
        var output = OutputBytes(streamingTo: Posix.standardOutput)
        TokenReport.table([
            ("vault", path),
            ("format", "version \(info.formatVersion)"),
            ("key", TokenReport.kdfText(info)),
            ("size", "\(info.fileSize) bytes"),
        ], indent: 0, to: &output)
        guard let namespaces else {
            output.append("(contents not shown: no key given)\n")
            return output
        }
        if namespaces.isEmpty { output.append("no token sets\n") }
        var expiries = TokenReport.ExpiryColumn(now: now)
        for view in namespaces {
            output.append("namespace ")
            TerminalText.write(view.name, to: &output)
            output.append(": ")
            output.append(decimal: view.tokenSets.count)
            output.append(view.tokenSets.count == 1 ? " resource server\n" : " resource servers\n")
            for set in view.tokenSets { writeSummary(of: set, in: plaintext, expiries: &expiries, to: &output) }
        }
        return output
    }

    /// One token set's rows, laid out as `TokenReport.table` would lay them out (indented 4,
    /// labels padded to "refresh" and two blanks), each label with its padding one literal:
    /// a thousand sets' worth of padding loops was a hot spot.
    private func writeSummary(
        of set: TokenSetFields, in plaintext: RawSpan, expiries: inout TokenReport.ExpiryColumn, to output: inout OutputBytes
    ) {
        output.append("  ")
        plaintext.withUTF8(set.resourceServer) { TerminalText.write(bytes: $0, to: &output) }
        output.append("\n    scopes   ")
        plaintext.withUTF8(set.scope) { TokenReport.writeScopes($0, to: &output) }
        output.append("\n    expires  ")
        expiries.write(set.expiresAtSeconds, to: &output)
        output.append(set.refreshToken != nil ? "    refresh  yes\n" : "    refresh  no\n")
    }
}
