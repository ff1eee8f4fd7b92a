internal import ArgumentParser

/// The root command. `main` is written out so that every failure, the parser's included,
/// leaves through `Failure` with one error line and a sysexits status.
@main
struct FrlVault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frl-vault",
        abstract: "Manage an encrypted Fair Research Login token vault.",
        discussion: """
            KEY SOURCES (for the current key; the first that is given wins)
              1. one of --keyfile, --passphrase-fd, --passphrase-file,
                 --passphrase-command (two of them is a usage error)
              2. $FRL_VAULT_KEYFILE, $FRL_VAULT_PASSPHRASE_FD,
                 $FRL_VAULT_PASSPHRASE_FILE, $FRL_VAULT_PASSCOMMAND, in this order
              3. a prompt, only when standard input is a terminal
              Otherwise the command fails at once with status 64. No option takes
              a passphrase itself. Passphrase commands run without a shell.

            VAULT
              --vault, else $FRL_VAULT, else ~/\(VaultOptions.defaultFileName)

            \(ExitStatus.helpTable)
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Keygen.self, Status.self, Show.self, Import.self, Export.self,
            Remove.self, Rekey.self, Verify.self, Clear.self, Login.self, Token.self, Logout.self,
        ]
    )

    static func main() {
        // Before anything can read a key: no core file, no ptrace by the same user.
        Hygiene.disableCoreDumps()
        Hygiene.silenceCrashReports()
        Posix.exit(runReportingFailures())
    }

    static func runReportingFailures() -> ExitStatus {
        if GroupedShortFlags.present(in: Array(CommandLine.arguments.dropFirst())) {
            // The word itself is not shown: it may be a secret typed in the wrong place.
            Failure(.usage, "an argument starts with one '-' and is not an option (short options do not group here)",
                    hint: "put names that start with '-' after '--', e.g. frl-vault remove -- -name").report()
            return .usage
        }
        do {
            var command = try parseAsRoot()
            try command.run()
            return .success
        } catch {
            return report(error)
        }
    }

    static func report(_ error: any Error) -> ExitStatus {
        if let failure = Failure.from(error) {
            failure.report()
            return failure.status
        }
        let parserStatus = exitCode(for: error)
        if parserStatus == .success {
            // --help, --version
            Posix.writeStandardOutput(fullMessage(for: error) + "\n")
            return .success
        }
        if parserStatus == .validationFailure {
            let firstLine = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
            let cleaned = firstLine.hasPrefix("Error: ") ? String(firstLine.dropFirst(7)) : firstLine
            Failure(.usage, ParserErrorText.redacted(cleaned), hint: "see 'frl-vault help' or 'frl-vault <verb> --help'").report()
            return .usage
        }
        Failure(.internalError, "unexpected failure: \(String(describing: error))").report()
        return .internalError
    }
}
