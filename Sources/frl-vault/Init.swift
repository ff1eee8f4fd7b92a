internal import ArgumentParser
internal import SecureFiles
internal import TokenVault

/// `init`: an empty vault sealed with a keyfile or a passphrase.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty vault.",
        discussion: """
            A new passphrase from the terminal is asked for twice; an empty one is refused. \
            --force replaces an existing vault after asking on a terminal; without a terminal \
            it needs --yes as well.
            """)

    @OptionGroup var vault: VaultOptions

    @Option(help: ArgumentHelp("Argon2id cost for a passphrase (default: moderate).", valueName: "preset"))
    var kdf: KDFPreset?

    @Flag(help: "Replace an existing vault (its tokens are lost); asks first on a terminal.")
    var force = false

    @Flag(help: "With --force, do not ask for confirmation (required without a terminal).")
    var yes = false

    func run() throws {
        let path = try vault.path()
        // Checked before a passphrase is asked for, so nobody types one twice for nothing.
        if let existing = try SecureFile.status(of: path) {
            // A directory is not something to replace, and "a vault already exists" would mislead.
            if existing.isDirectory { throw FileError.isDirectory(path: path) }
            if !existing.isRegularFile { throw VaultError.notAVault(path: path) }
            guard force else { throw CLIError.vaultExists(path: path) }
            // As destructive as `clear`, so confirmed the same way.
            if !yes {
                guard TerminalPrompt.isAvailable else { throw CLIError.confirmationNeeded(action: "replace \(path)") }
                guard TerminalPrompt.confirm("Replace \(path)? Every token in it is lost. [y/N] ") else {
                    throw CLIError.notConfirmed
                }
            }
        }
        let source: KeySource
        if let given = try vault.givenSource() {
            source = given
        } else if TerminalPrompt.isAvailable {
            source = .prompt
        } else {
            throw CLIError.noKeySource(purpose: "create \(path)", looked: VaultOptions.keySourceNames)
        }
        if kdf != nil, !source.isPassphrase { throw ValidationError("--kdf applies to passphrases, not keyfiles") }
        let preset = kdf ?? .defaultPreset
        let vaultKey = try KeyReading.key(from: source, purpose: .create(path: path), kdf: preset.parameters)
        try VaultTokenStorage.create(path: path, key: vaultKey, force: force, lockTimeoutSeconds: vault.lockTimeout)
        let sealing = source.isPassphrase ? "passphrase, argon2id \(preset.rawValue)" : "keyfile"
        Posix.writeStandardOutput("created \(path) (\(sealing))\n")
    }
}
