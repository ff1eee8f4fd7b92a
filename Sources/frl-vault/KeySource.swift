/// Where the vault's current key comes from (the key options are declared with the vault's,
/// in `VaultOptions`). Precedence, first match wins:
/// one of the flags (giving two is an error), then the variables in the same order
/// (`$FRL_VAULT_KEYFILE`, `$FRL_VAULT_PASSPHRASE_FD`, `$FRL_VAULT_PASSPHRASE_FILE`,
/// `$FRL_VAULT_PASSCOMMAND`), then a prompt on the terminal. A flag beats any variable, so a
/// variable exported for everyday use never overrides what a command line says.
extension VaultOptions {
    static let keySourceNames = [
        "--keyfile", "--passphrase-fd", "--passphrase-file", "--passphrase-command",
        "$FRL_VAULT_KEYFILE", "$FRL_VAULT_PASSPHRASE_FD", "$FRL_VAULT_PASSPHRASE_FILE", "$FRL_VAULT_PASSCOMMAND",
        "a terminal (standard input)",
    ]

    /// The source given by a flag or a variable; nil when there is none (the prompt is the caller's choice).
    func givenSource() throws(CLIError) -> KeySource? {
        var flags: [(String, KeySource)] = []
        if let keyfile { flags.append(("--keyfile", .keyfile(path: keyfile))) }
        if let passphraseFD { flags.append(("--passphrase-fd", .passphraseFD(passphraseFD, origin: "--passphrase-fd \(passphraseFD)"))) }
        if let passphraseFile { flags.append(("--passphrase-file", .passphraseFile(path: passphraseFile))) }
        if let passphraseCommand { flags.append(("--passphrase-command", .passphraseCommand(passphraseCommand, origin: "--passphrase-command"))) }
        if flags.count > 1 { throw .conflictingKeySources(flags.map(\.0)) }
        if let (_, source) = flags.first { return source }

        if let path = Self.variable("FRL_VAULT_KEYFILE") { return .keyfile(path: path) }
        if let fd = try Self.descriptorVariable("FRL_VAULT_PASSPHRASE_FD") {
            return .passphraseFD(fd, origin: "$FRL_VAULT_PASSPHRASE_FD (\(fd))")
        }
        if let path = Self.variable("FRL_VAULT_PASSPHRASE_FILE") { return .passphraseFile(path: path) }
        if let command = Self.variable("FRL_VAULT_PASSCOMMAND") {
            return .passphraseCommand(command, origin: "$FRL_VAULT_PASSCOMMAND")
        }
        return nil
    }

    /// A set, non-empty variable. An empty one counts as unset, as `FOO= cmd` is the shell's
    /// way of switching a variable off for one command.
    static func variable(_ name: String) -> String? {
        guard let value = Posix.environment(name), !value.isEmpty else { return nil }
        return value
    }

    static func descriptorVariable(_ name: String) throws(CLIError) -> Int32? {
        guard let text = variable(name) else { return nil }
        guard let fd = Int32(text), fd >= 0 else { throw .invalidVariable(name: name, expected: "a file descriptor number") }
        return fd
    }
}

/// Where a key comes from, before anything has been read.
enum KeySource {
    case keyfile(path: String)
    case passphraseFD(Int32, origin: String)
    case passphraseFile(path: String)
    case passphraseCommand(String, origin: String)
    case prompt

    var isPassphrase: Bool {
        if case .keyfile = self { return false }
        return true
    }
}
