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
            Posix.writeStandardOutput(json ? jsonText(path, info, nil, now) : text(path, info, nil, now))
            return
        }
        let vaultKey = try KeyReading.key(from: source, purpose: .unlock(path: path), kdf: info.argon2idParameters ?? .moderate)
        let storage = VaultTokenStorage(path: path, key: vaultKey, lockTimeoutSeconds: vault.lockTimeout)
        let shown = try storage.sortedNamespaces(only: namespace)
        Posix.writeStandardOutput(json ? jsonText(path, info, shown, now) : text(path, info, shown, now))
    }

    private func jsonText(_ path: String, _ info: VaultInfo, _ namespaces: [SortedNamespace]?, _ now: Int) -> OutputBytes {
        let contents: JSONValue = namespaces.map { views in
            .orderedObject(views.map { view in
                (view.name, .orderedObject(view.tokenSets.map { ($0.resourceServer, TokenReport.summaryValue($0, now: now)) }))
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

    private func text(_ path: String, _ info: VaultInfo, _ namespaces: [SortedNamespace]?, _ now: Int) -> OutputBytes {
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
            for set in view.tokenSets { writeSummary(of: set, expiries: &expiries, to: &output) }
        }
        return output
    }

    /// One token set's rows, laid out as `TokenReport.table` would lay them out (indented 4,
    /// labels padded to "refresh" and two blanks), each label with its padding one literal:
    /// a thousand sets' worth of padding loops was a hot spot.
    private func writeSummary(
        of set: TokenSet, expiries: inout TokenReport.ExpiryColumn, to output: inout OutputBytes
    ) {
        output.append("  ")
        TerminalText.write(set.resourceServer, to: &output)
        output.append("\n    scopes   ")
        TokenReport.writeScopes(set.scope, to: &output)
        output.append("\n    expires  ")
        expiries.write(set.expiresAtSeconds, to: &output)
        output.append(set.refreshToken != nil ? "    refresh  yes\n" : "    refresh  no\n")
    }
}
