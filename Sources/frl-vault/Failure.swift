internal import ArgumentParser
#if !FRL_VAULT_STATIC_RELEASE
internal import NativeLogin
#endif
internal import SecureFiles
internal import Tokens
internal import TokenVault
internal import VaultCrypto

/// A failure as the user sees it: one error line, an optional hint, an exit status.
///
/// This is the only place that maps errors to exit statuses and words, so the table in
/// `--help`, the README and the behaviour cannot drift apart.
struct Failure: Equatable {
    var message: String
    var hint: String?
    var status: ExitStatus

    init(_ status: ExitStatus, _ message: String, hint: String? = nil) {
        self.status = status
        self.message = message
        self.hint = hint
    }

    /// Prints `frl-vault: error: ...` (and `frl-vault: hint: ...`) on stderr.
    func report() {
        // Messages may quote names read from a vault or a token file.
        var text = "frl-vault: error: \(TerminalText.printable(Failure.oneLine(message)))\n"
        if let hint { text += "frl-vault: hint: \(TerminalText.printable(Failure.oneLine(hint)))\n" }
        Posix.writeStandardError(text)
    }

    /// Lower-case first letter (unless the word is an acronym), no line breaks, no final period:
    /// the output rule for every error line, applied to library messages too.
    static func oneLine(_ text: String) -> String {
        var line = text.split(whereSeparator: \.isNewline).map { $0.trimmingBlanks() }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        while line.hasSuffix(".") { line.removeLast() }
        let letters = line.prefix(2)
        if let first = letters.first, first.isUppercase, letters.count < 2 || letters.last!.isLowercase {
            line = first.lowercased() + line.dropFirst()
        }
        return line
    }

    static func from(_ error: any Error) -> Failure? {
        switch error {
        case let error as CLIError: return from(error)
        case let error as VaultError: return from(error)
        case let error as FileError: return from(error)
        case let error as CryptoError: return from(error)
        case let error as TokenStorageError: return from(error)
        case let error as TokenFormatError: return Failure(.dataError, error.description)
        #if !FRL_VAULT_STATIC_RELEASE
        case let error as any LoginException: return fromLogin(error)
        #endif
        default: return nil
        }
    }

    static func from(_ error: CLIError) -> Failure {
        switch error {
        case .noKeySource(let purpose, let looked):
            return Failure(.usage, "no key given to \(purpose) and no terminal to ask for a passphrase",
                           hint: "looked for \(looked.joined(separator: ", "))")
        case .conflictingKeySources(let flags):
            return Failure(.usage, "give one key source, not \(flags.joined(separator: " and "))")
        case .emptyPassphrase(let source):
            return Failure(.dataError, "empty passphrase from \(source)", hint: "an empty passphrase would protect nothing")
        case .passphrasesDiffer:
            return Failure(.usage, "the two passphrases differ")
        case .passphraseTooLong(let source, let limit):
            return Failure(.dataError, "passphrase from \(source) is longer than \(limit) bytes")
        case .descriptorNotOpen(let source):
            return Failure(.noInput, "\(source) is not an open file descriptor")
        case .readFailed(let source, let reason):
            return Failure(.noInput, "cannot read the passphrase from \(source): \(reason)")
        case .emptyPassphraseCommand(let origin):
            return Failure(.usage, "\(origin) is empty")
        case .passphraseCommandNotFound(let program):
            return Failure(.noInput, "passphrase command '\(program)' not found", hint: "it is run without a shell and looked up in PATH")
        case .passphraseCommandFailed(let program, let status):
            return Failure(.noInput, "passphrase command '\(program)' exited with status \(status)")
        case .invalidVariable(let name, let expected):
            return Failure(.usage, "$\(name) must be \(expected)")
        case .secureMemory:
            return Failure(.osError, "cannot allocate secure memory for the key", hint: "raise the locked-memory limit (ulimit -l)")
        case .keyKindNeeded(let path, let vaultUses, let hint):
            return Failure(.usage, "\(path) is sealed with a \(vaultUses), and none was given", hint: hint)
        case .confirmationNeeded(let action):
            return Failure(.usage, "refusing to \(action) without confirmation and no terminal to ask on", hint: "add --yes")
        case .notConfirmed:
            return Failure(.usage, "not confirmed; nothing changed")
        case .noSuchResourceServer(let name, let namespace, let path):
            return Failure(.noInput, "\(path): no token set for \(name) in namespace \(namespace); nothing changed")
        case .unknownImportFormat(let path):
            return Failure(.usage, "\(path): cannot tell whether this is JSON or INI", hint: "add --format json or --format cfg")
        case .noSuchSection(let path, let section):
            return Failure(.noInput, "\(path): no section [\(section)]", hint: "choose one with --section")
        case .shredWouldLoseSections(let path, let sections):
            return Failure(.usage, "\(path): refusing --shred-source, the file also holds section(s) \(sections.joined(separator: ", ")); nothing imported",
                           hint: "import without --shred-source, and remove the file once every section is in the vault")
        case .importNotVerified(let path):
            return Failure(.dataError, "\(path): the vault read back does not hold what was imported; source not shredded")
        case .sourceChanged(let path):
            return Failure(.dataError, "\(path): changed during the import; not shredded")
        case .noNewKeySource(let looked):
            return Failure(.usage, "rekey needs the new key given explicitly", hint: "use one of \(looked.joined(separator: ", "))")
        case .vaultExists(let path):
            return Failure(.cannotCreate, "\(path): a vault already exists", hint: "add --force to replace it and lose its tokens")
        case .unsafePassphraseFile(let path, let reason, let fix):
            return Failure(.configuration, "\(path): \(reason)", hint: "fix it with: \(fix)")
        case .promptNeedsTerminal(let flag):
            return Failure(.usage, "\(flag) needs a terminal, and standard input is not one",
                           hint: "give the new key with --new-passphrase-fd, --new-passphrase-file or --new-passphrase-command")
        case .noVaultPath:
            return Failure(.usage, "no vault path: give --vault or set $FRL_VAULT or $HOME")
        case .passphraseFileNotAFile(let path):
            // `--passphrase-file <(pass show x)` names a pipe; the descriptor route takes it.
            return Failure(.noInput, "\(path): not a regular file",
                           hint: "pass a pipe with --passphrase-fd N (e.g. --passphrase-fd 3 3< <(command))")
        case .importNotAFile(let path):
            return Failure(.noInput, "\(path): not a regular file (a named pipe, socket or device)",
                           hint: "import a regular file, or a command's output as <(command) or /dev/stdin")
        case .noClientID:
            return Failure(.usage, "no client id: give --client-id or set $FRL_VAULT_CLIENT_ID",
                           hint: "register a native app at https://app.globus.org/settings/developers")
        case .revocationFailed(let servers, let reason, let namespace):
            return Failure(.authFailed, "could not revoke the tokens for \(servers.joined(separator: ", ")) at Globus Auth (\(reason)); namespace \(namespace) was cleared all the same",
                           hint: "those tokens stay valid until they expire; revoke the app's consent at https://app.globus.org/account/consents")
        case .loginCompanionUnavailable(let path, let reason):
            return Failure(.authFailed, "\(path): cannot run the login companion (\(reason))",
                           hint: "install frl-vault-login beside frl-vault, as tools/build-release.sh builds them")
        }
    }

    /// The vault's own one-line descriptions, with the status and, where it helps, a hint.
    static func from(_ error: VaultError) -> Failure {
        let message = error.description
        switch error {
        case .wrongKey, .keyKindMismatch, .permissionDenied:
            return Failure(.noPermission, message)
        case .damaged, .notAVault, .invalidKeyfile, .invalidTokenData, .rekeyVerificationFailed:
            return Failure(.dataError, message)
        case .unsupportedVersion:
            return Failure(.dataError, message, hint: "upgrade frl-vault")
        case .unsafeKDFParameters:
            return Failure(.configuration, message)
        case .unsafePermissions(let path, let reason, let fix):
            return Failure(.configuration, "\(path): \(reason)", hint: "fix it with: \(fix)")
        case .lockTimeout:
            return Failure(.lockTimeout, message, hint: "raise --lock-timeout, or find the process holding the lock")
        case .missingKeyfile:
            return Failure(.noInput, message)
        case .missingVault:
            return Failure(.noInput, message, hint: "create one with 'frl-vault init', or name another with --vault or $FRL_VAULT")
        case .alreadyExists:
            return Failure(.cannotCreate, message)
        case .sameKey:
            return Failure(.usage, message)
        case .io:
            return Failure(.ioError, message)
        case .resourcesUnavailable:
            return Failure(.osError, message, hint: "raise the memory limits (ulimit -v, ulimit -l), or choose a cheaper --kdf preset for a new vault")
        case .rekeyedButOldCopyNotWiped:
            return Failure(.ioError, message, hint: "use the new key from now on; copies of the old file may still open with the old key")
        }
    }

    static func from(_ error: TokenStorageError) -> Failure {
        let message = error.description
        switch error {
        case .malformedJSON, .malformedINI, .invalidTokens, .unrepresentable:
            return Failure(.dataError, message)
        case .invalidSection:
            return Failure(.usage, message)
        case .isDirectory:
            return Failure(.noInput, message)
        case .unreadable(_, let cause), .unwritable(_, let cause):
            return Failure(from(cause).status, message)
        }
    }

    static func from(_ error: FileError) -> Failure {
        let message = error.description
        switch error {
        case .notFound, .isDirectory: return Failure(.noInput, message)
        case .notRegularFile: return Failure(.noInput, message)
        case .permissionDenied: return Failure(.noPermission, message)
        case .alreadyExists: return Failure(.cannotCreate, message)
        case .tooLarge: return Failure(.dataError, message)
        case .lockTimeout: return Failure(.lockTimeout, message)
        case .system: return Failure(.ioError, message)
        case .untrustedFile(let path, let reason, let fix):
            return Failure(.configuration, "\(path): \(reason)", hint: "fix it with: \(fix)")
        }
    }

    static func from(_ error: CryptoError) -> Failure {
        switch error {
        case .secureMemoryUnavailable:
            return from(CLIError.secureMemory)
        case .emptyPassphrase:
            return Failure(.dataError, "empty passphrase", hint: "an empty passphrase would protect nothing")
        case .keyDerivationFailed:
            return Failure(.osError, error.description)
        case .kdfParametersOutOfBounds:
            return Failure(.configuration, error.description)
        case .authenticationFailed, .invalidPadding, .invalidHex, .invalidLength:
            return Failure(.dataError, error.description)
        }
    }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
