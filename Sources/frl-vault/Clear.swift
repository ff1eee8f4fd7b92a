internal import ArgumentParser
internal import TokenVault

/// `clear`: securely wipe the vault file and its lock file.
struct Clear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Securely wipe the vault (overwrite in place, then delete).",
        discussion: """
            Needs the vault's key, so a mistyped --vault cannot wipe a stranger's file. Asks for \
            confirmation on a terminal unless --yes; without a terminal, --yes is required.

            --without-key wipes a vault whose key is lost or that is damaged. No key is read; \
            instead the file must be a regular file you own that starts with the vault magic, \
            so it can never wipe an arbitrary file.
            """)

    @OptionGroup var vault: VaultOptions

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Wipe without the key: for a vault whose key is lost or that is damaged.")
    var withoutKey = false

    func run() throws {
        let path = try vault.path()
        if withoutKey {
            try wipeWithoutKey(path)
            return
        }
        _ = try VaultTokenStorage.inspect(path: path)
        if !yes, !TerminalPrompt.isAvailable { throw CLIError.confirmationNeeded(action: "wipe \(path)") }
        let opened = try OpenVault(vault)
        let namespaces = try opened.storage.readAllNamespaces()
        if !yes {
            let sets = namespaces.values.reduce(0) { $0 + $1.count }
            guard TerminalPrompt.confirm("Securely wipe \(path) and its \(sets) token set\(sets == 1 ? "" : "s")? [y/N] ") else {
                throw CLIError.notConfirmed
            }
        }
        try opened.storage.destroyVault()
        Posix.writeStandardOutput("wiped \(path)\n")
    }

    private func wipeWithoutKey(_ path: String) throws {
        if !yes {
            guard TerminalPrompt.isAvailable else { throw CLIError.confirmationNeeded(action: "wipe \(path) without its key") }
            guard TerminalPrompt.confirm("Securely wipe \(path) without opening it? Its tokens cannot be recovered. [y/N] ") else {
                throw CLIError.notConfirmed
            }
        }
        try VaultTokenStorage.destroyVaultWithoutKey(path: path, lockTimeoutSeconds: vault.lockTimeout)
        Posix.writeStandardOutput("wiped \(path)\n")
    }
}
