/// Failures the CLI itself detects (the library's own errors pass through unchanged). No case
/// carries a passphrase or a token; sources are named by flag, variable or path.
enum CLIError: Error, Equatable {
    /// No key source was given and there is no terminal to prompt on.
    case noKeySource(purpose: String, looked: [String])
    /// Two key-source flags were given for the same key.
    case conflictingKeySources([String])
    /// A passphrase source produced an empty passphrase.
    case emptyPassphrase(source: String)
    /// The two entries of a new passphrase differ.
    case passphrasesDiffer
    /// A passphrase line is longer than accepted.
    case passphraseTooLong(source: String, limit: Int)
    /// A passphrase file descriptor is not open in this process.
    case descriptorNotOpen(source: String)
    /// Reading a passphrase source failed.
    case readFailed(source: String, reason: String)
    /// `--passphrase-command` (or its variable) is blank.
    case emptyPassphraseCommand(origin: String)
    /// The passphrase command is not in PATH.
    case passphraseCommandNotFound(program: String)
    /// The passphrase command exited with a non-zero status.
    case passphraseCommandFailed(program: String, status: Int32)
    /// An environment variable holds something other than what it should.
    case invalidVariable(name: String, expected: String)
    /// Secure memory could not be allocated.
    case secureMemory
    /// The vault uses a keyfile, but only passphrase sources were available (or the reverse).
    case keyKindNeeded(path: String, vaultUses: String, hint: String)
    /// A destructive verb needs `--yes` when nobody can be asked.
    case confirmationNeeded(action: String)
    /// The person at the terminal said no.
    case notConfirmed
    /// `remove` named a resource server the namespace does not hold.
    case noSuchResourceServer(name: String, namespace: String, path: String)
    /// `import` could not tell the input format.
    case unknownImportFormat(path: String)
    /// The INI file has no such section.
    case noSuchSection(path: String, section: String)
    /// `--shred-source` found other sections in the INI file that the import did not take.
    case shredWouldLoseSections(path: String, sections: [String])
    /// `--shred-source`: the vault read back did not match what was imported.
    case importNotVerified(path: String)
    /// `--shred-source`: the source changed while it was being imported.
    case sourceChanged(path: String)
    /// `rekey` got no new key source.
    case noNewKeySource(looked: [String])
    /// A vault already exists and `--force` was not given.
    case vaultExists(path: String)
    /// Someone else could read or write the passphrase file (or it belongs to another user).
    case unsafePassphraseFile(path: String, reason: String, fix: String)
    /// `--new-passphrase-prompt` with no terminal to ask on.
    case promptNeedsTerminal(flag: String)
    /// No vault path could be determined (no `--vault`, `$FRL_VAULT` or home directory).
    case noVaultPath
    /// The passphrase file is a pipe, socket or device (pipes take `--passphrase-fd`).
    case passphraseFileNotAFile(path: String)
    /// The import file is a named pipe, a socket or a device.
    case importNotAFile(path: String)
    /// A login verb with neither --client-id nor $FRL_VAULT_CLIENT_ID.
    case noClientID
    /// `logout` cleared the namespace, but Globus Auth did not confirm every revocation.
    case revocationFailed(resourceServers: [String], reason: String, namespace: String)
    /// The static release binary could not run `frl-vault-login` for a login verb.
    case loginCompanionUnavailable(path: String, reason: String)
}
