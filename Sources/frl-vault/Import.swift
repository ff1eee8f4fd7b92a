internal import ArgumentParser
internal import SecureFiles
internal import Tokens
internal import TokenVault

/// `import`: merge a Fair Research Login plaintext file into a namespace, validating every
/// token set before anything is written; optionally shred the plaintext afterwards.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge tokens from a JSONTokenStorage (json) or ConfigParserTokenStorage (cfg) file.",
        discussion: """
            Every token set is validated before the vault is written; an imported set replaces the \
            vault's set for the same resource server. With --shred-source the plaintext file is \
            overwritten and deleted, but only after the vault has been read back and found to hold \
            exactly what was imported, and the file has been re-read and found unchanged.
            """)

    @Argument(help: ArgumentHelp("The plaintext token file.", valueName: "file"))
    var file: String

    @Option(help: "json or cfg (default: from the file name, else from its first character).")
    var format: PythonFormats.Format?

    @Option(help: ArgumentHelp("INI section to import (default: the namespace).", valueName: "name"))
    var section: String?

    @Flag(help: "Securely wipe the plaintext file after a verified import.")
    var shredSource = false

    @OptionGroup var vault: VaultOptions
    @Option(name: .long, help: NamespaceOption.help)
    var namespace: String = NamespaceOption.defaultName

    func run() throws {
        let source = try ImportSource(path: file, format: format, section: section ?? namespace)
        let imported = try source.readTokens()
        // Everything the shred needs is checked before anything is imported: a shred that
        // would fail must not leave the tokens imported and the plaintext still there.
        var shred: OverwritableFile?
        if shredSource {
            try source.checkNothingElseWouldBeShredded()
            shred = try SecureFile.prepareOverwriteAndRemove(file)
        }
        defer { shred?.close() }

        let opened = try OpenVault(vault, namespace: namespace)
        let replaced = try opened.storage.update { tokens in
            let replaced = imported.keys.filter { tokens[$0] != nil }.count
            if tokens.isEmpty {
                // A first import (nearly every one): the map itself rather than a copy of it
                // set by set, which was a tenth of importing 10,000 sets.
                tokens = imported
            } else {
                tokens.merge(imported) { _, new in new }
            }
            return replaced
        }
        Posix.writeStandardOutput(
            "imported \(imported.count) token set\(imported.count == 1 ? "" : "s") into namespace "
                + "\(namespace) of \(opened.path) (\(imported.count - replaced) new, \(replaced) replaced)\n")

        guard let shred else { return }
        let stored = try opened.storage.readTokens()
        guard imported.allSatisfy({ stored[$0.key] == $0.value }) else { throw CLIError.importNotVerified(path: opened.path) }
        try source.checkUnchanged()
        try shred.overwriteAndRemove()
        Posix.writeStandardOutput("shredded \(file)\n")
    }
}
