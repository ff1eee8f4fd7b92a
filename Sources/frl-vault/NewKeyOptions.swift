internal import ArgumentParser

/// The new key for `rekey`. It must be named explicitly: the current key's flags and
/// variables never supply it, and the prompt is used only when asked for, so a rekey in a
/// script cannot silently pick up a key meant for something else.
struct NewKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The new keyfile (from 'frl-vault keygen').", valueName: "path"))
    var newKeyfile: String?

    @Option(name: .customLong("new-passphrase-fd"), help: ArgumentHelp(
        "Read the new passphrase from this inherited file descriptor.", valueName: "n"))
    var newPassphraseFD: Int32?

    @Option(name: .long, help: ArgumentHelp("Read the new passphrase from the file's first line.", valueName: "path"))
    var newPassphraseFile: String?

    @Option(name: .long, help: ArgumentHelp(
        "Run this command (no shell) and use the first line it prints as the new passphrase.", valueName: "command"))
    var newPassphraseCommand: String?

    @Flag(name: .long, help: "Ask for the new passphrase on the terminal (twice).")
    var newPassphrasePrompt = false

    static let sourceNames = [
        "--new-keyfile", "--new-passphrase-fd", "--new-passphrase-file", "--new-passphrase-command",
        "--new-passphrase-prompt", "$FRL_VAULT_NEW_PASSPHRASE_FD",
    ]

    func givenSource() throws(CLIError) -> KeySource {
        var flags: [(String, KeySource)] = []
        if let newKeyfile { flags.append(("--new-keyfile", .keyfile(path: newKeyfile))) }
        if let newPassphraseFD {
            flags.append(("--new-passphrase-fd", .passphraseFD(newPassphraseFD, origin: "--new-passphrase-fd \(newPassphraseFD)")))
        }
        if let newPassphraseFile { flags.append(("--new-passphrase-file", .passphraseFile(path: newPassphraseFile))) }
        if let newPassphraseCommand {
            flags.append(("--new-passphrase-command", .passphraseCommand(newPassphraseCommand, origin: "--new-passphrase-command")))
        }
        if newPassphrasePrompt { flags.append(("--new-passphrase-prompt", .prompt)) }
        if flags.count > 1 { throw .conflictingKeySources(flags.map(\.0)) }
        if let (_, source) = flags.first { return source }
        if let fd = try VaultOptions.descriptorVariable("FRL_VAULT_NEW_PASSPHRASE_FD") {
            return .passphraseFD(fd, origin: "$FRL_VAULT_NEW_PASSPHRASE_FD (\(fd))")
        }
        throw .noNewKeySource(looked: Self.sourceNames)
    }
}
