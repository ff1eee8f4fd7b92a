internal import ArgumentParser

/// Which vault a verb works on, and where its current key comes from (see `givenSource()`).
/// One option group, not two: every group costs the argument parser another round of
/// reflection and conformance look-ups each time the program starts.
struct VaultOptions: ParsableArguments {
    static let defaultFileName = ".globus-native-apps.vault"

    @Option(name: .long, help: ArgumentHelp(
        "The vault file (default: $FRL_VAULT, else ~/\(VaultOptions.defaultFileName)).", valueName: "path"))
    var vault: String?

    // Optional, with its default in the help text: a Double default makes the parser describe
    // it at every start, two more conformance scans of the whole binary.
    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp(
        "Seconds to wait for another process that holds the vault's lock. (default: 10)", valueName: "seconds"))
    var lockTimeoutOption: Double?

    /// `--lock-timeout`, else 10 seconds.
    var lockTimeout: Double { lockTimeoutOption ?? 10 }

    @Option(name: .long, help: ArgumentHelp("Keyfile written by 'frl-vault keygen'.", valueName: "path"))
    var keyfile: String?

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp(
        "Read the passphrase (first line) from this inherited file descriptor.", valueName: "n"))
    var passphraseFD: Int32?

    @Option(name: .long, help: ArgumentHelp("Read the passphrase from the file's first line.", valueName: "path"))
    var passphraseFile: String?

    @Option(name: .long, help: ArgumentHelp(
        "Run this command (no shell; split on blanks) and use the first line it prints.", valueName: "command"))
    var passphraseCommand: String?

    /// `--vault`, else `$FRL_VAULT`, else the file in the home directory.
    func path() throws(CLIError) -> String {
        if let vault { return vault }
        if let fromEnvironment = Posix.environment("FRL_VAULT"), !fromEnvironment.isEmpty { return fromEnvironment }
        guard let home = Posix.homeDirectory() else { throw .noVaultPath }
        return home.hasSuffix("/") ? home + Self.defaultFileName : home + "/" + Self.defaultFileName
    }

    func validate() throws {
        guard lockTimeout >= 0, lockTimeout.isFinite else {
            throw ValidationError("--lock-timeout must be a number of seconds, zero or more")
        }
    }
}

/// `--namespace` for the verbs that work on one namespace (export, import, remove), declared
/// in each of them: an option group of its own would cost another round of reflection at
/// every start.
enum NamespaceOption {
    /// The token map's namespace inside the vault (like a ConfigParser section).
    static let help = ArgumentHelp("The namespace inside the vault.", valueName: "name")
    static let defaultName = "tokens"
}
