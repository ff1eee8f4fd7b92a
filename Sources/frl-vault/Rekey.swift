internal import ArgumentParser
internal import TokenVault

/// `rekey`: re-encrypt under a new key; the library does it atomically under the lock.
struct Rekey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Re-encrypt the vault under a new key (passphrase or keyfile, either way).",
        discussion: """
            The current key comes from the usual key sources; the new one must be named with a \
            --new-* option or $FRL_VAULT_NEW_PASSPHRASE_FD. Whenever the process stops, the vault \
            opens with exactly one of the two keys; after success only the new one opens it.
            """)

    @OptionGroup var vault: VaultOptions
    @OptionGroup var newKey: NewKeyOptions

    @Option(help: ArgumentHelp(
        "Argon2id cost for a new passphrase (default: the vault's current preset, else moderate).", valueName: "preset"))
    var kdf: KDFPreset?

    func run() throws {
        // Everything that can be checked without secrets is checked before anyone types one.
        let newSource = try newKey.givenSource()
        if kdf != nil, !newSource.isPassphrase { throw ValidationError("--kdf applies to a new passphrase, not a keyfile") }
        // Without a terminal the prompt would read standard input, and an idle pipe there
        // would hang a script for good.
        if case .prompt = newSource, !TerminalPrompt.isAvailable { throw CLIError.promptNeedsTerminal(flag: "--new-passphrase-prompt") }
        let opened = try OpenVault(vault)
        // Prove the current key first, so a mistyped passphrase is reported before the new
        // one is asked for twice.
        _ = try opened.storage.readAllNamespaces()
        let parameters = kdf?.parameters ?? opened.info.argon2idParameters ?? KDFPreset.defaultPreset.parameters
        let newVaultKey = try KeyReading.key(from: newSource, purpose: .create(path: opened.path), kdf: parameters)
        try opened.storage.rekey(to: newVaultKey)
        let sealing: String
        if case .keyfile(let path) = newSource {
            sealing = "keyfile \(path)"
        } else {
            sealing = "passphrase, argon2id \(KDFPreset.named(opsLimit: parameters.opsLimit, memLimitBytes: parameters.memLimitBytes)?.rawValue ?? "custom")"
        }
        Posix.writeStandardOutput("rekeyed \(opened.path) (\(sealing))\n")
    }
}
