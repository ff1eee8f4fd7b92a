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
    @OptionGroup var key: KeyOptions

    @Option(help: ArgumentHelp("Only this namespace (default: all).", valueName: "name"))
    var namespace: String?

    @Flag(help: "Print JSON (see the README for the schema).")
    var json = false

    func run() throws {
        let path = try vault.path()
        let info = try VaultTokenStorage.inspect(path: path)
        var namespaces: [String: TokenMap]?
        if let source = try key.givenSource() {
            let vaultKey = try KeyReading.key(from: source, purpose: .unlock(path: path), kdf: info.argon2idParameters ?? .moderate)
            let storage = VaultTokenStorage(path: path, key: vaultKey, lockTimeoutSeconds: vault.lockTimeout)
            namespaces = try storage.readAllNamespaces().filter { namespace == nil || $0.key == namespace }
        }
        let now = Posix.now()
        Posix.writeStandardOutput(json ? jsonText(path, info, namespaces, now) : text(path, info, namespaces, now))
    }

    private func jsonText(_ path: String, _ info: VaultInfo, _ namespaces: [String: TokenMap]?, _ now: Int) -> String {
        let contents: JSONValue = namespaces.map { maps in
            .object(maps.mapValues { map in .object(map.mapValues { TokenReport.summaryValue($0, now: now) }) })
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

    private func text(_ path: String, _ info: VaultInfo, _ namespaces: [String: TokenMap]?, _ now: Int) -> String {
        var output = TokenReport.table([
            ("vault", path),
            ("format", "version \(info.formatVersion)"),
            ("key", TokenReport.kdfText(info)),
            ("size", "\(info.fileSize) bytes"),
        ], indent: 0)
        guard let namespaces else {
            return output + "(contents not shown: no key given)\n"
        }
        if namespaces.isEmpty { output += "no token sets\n" }
        for name in namespaces.keys.sorted() {
            let map = namespaces[name]!
            output += "namespace \(TerminalText.printable(name)): \(map.count) resource server\(map.count == 1 ? "" : "s")\n"
            for resourceServer in map.keys.sorted() {
                let set = map[resourceServer]!
                output += "  \(TerminalText.printable(resourceServer))\n"
                output += TokenReport.table([
                    ("scopes", TokenReport.scopes(of: set).joined(separator: " ")),
                    ("expires", TokenReport.expiryText(set, now: now)),
                    ("refresh", TokenReport.hasRefreshToken(set) ? "yes" : "no"),
                ], indent: 4)
            }
        }
        return output
    }
}
