internal import ArgumentParser
internal import SecureFiles
internal import TokenVault

/// `init`: an empty vault sealed with a keyfile or a passphrase.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty vault.",
        discussion: "A new passphrase from the terminal is asked for twice; an empty one is refused.")

    @OptionGroup var vault: VaultOptions
    @OptionGroup var key: KeyOptions

    @Option(help: ArgumentHelp("Argon2id cost for a passphrase (default: moderate).", valueName: "preset"))
    var kdf: KDFPreset?

    @Flag(help: "Replace an existing vault (its tokens are lost).")
    var force = false

    func run() throws {
        let path = try vault.path()
        // Checked before a passphrase is asked for, so nobody types one twice for nothing.
        if !force, try SecureFile.status(of: path) != nil { throw CLIError.vaultExists(path: path) }
        let source: KeySource
        if let given = try key.givenSource() {
            source = given
        } else if TerminalPrompt.isAvailable {
            source = .prompt
        } else {
            throw CLIError.noKeySource(purpose: "create \(path)", looked: KeyOptions.sourceNames)
        }
        if kdf != nil, !source.isPassphrase { throw ValidationError("--kdf applies to passphrases, not keyfiles") }
        let preset = kdf ?? .defaultPreset
        let vaultKey = try KeyReading.key(from: source, purpose: .create(path: path), kdf: preset.parameters)
        try VaultTokenStorage.create(path: path, key: vaultKey, force: force)
        let sealing = source.isPassphrase ? "passphrase, argon2id \(preset.rawValue)" : "keyfile"
        Posix.writeStandardOutput("created \(path) (\(sealing))\n")
    }
}
