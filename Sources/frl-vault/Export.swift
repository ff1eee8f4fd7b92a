internal import ArgumentParser
internal import TokenVault

extension PythonFormats.Format: NamedChoice {}

/// `export`: one namespace in a Fair Research Login plaintext format, to stdout.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print one namespace's tokens in clear, as JSONTokenStorage or ConfigParserTokenStorage would store them.",
        discussion: "For migration and debugging. The output holds live tokens: do not leave it in a file.")

    @OptionGroup var vault: VaultOptions
    @Option(name: .long, help: NamespaceOption.help)
    var namespace: String = NamespaceOption.defaultName

    @Option(help: "json (JSONTokenStorage) or cfg (ConfigParserTokenStorage).")
    var format: PythonFormats.Format = .json

    @Option(help: ArgumentHelp("INI section name for --format cfg (default: the namespace).", valueName: "name"))
    var section: String?

    func run() throws {
        let opened = try OpenVault(vault, namespace: namespace)
        try opened.storage.withLentNamespaces { plaintext, namespaces in
            let tokenSets = namespaces.first { $0.name == namespace }?.tokenSets ?? []
            switch format {
            case .json:
                Posix.writeStandardOutput(PythonFormats.json(tokenSets, in: plaintext, streamingTo: Posix.standardOutput))
            case .cfg:
                Posix.writeStandardOutput(
                    PythonFormats.cfg(tokenSets, in: plaintext, section: section ?? namespace, streamingTo: Posix.standardOutput))
            }
        }
    }
}
