internal import SecureFiles
internal import TokenVault
internal import VaultCrypto

/// Turns a key source into a `VaultKey`. Passphrase bytes go from the source straight into
/// secure memory; they are never a `String` and never printed.
enum KeyReading {
    /// A passphrase file is small; anything bigger is not one.
    static let passphraseFileLimit = 64 << 10

    /// Why a key is wanted, which decides how a prompt behaves.
    enum Purpose {
        /// Opening an existing vault: ask once.
        case unlock(path: String)
        /// A new passphrase (init, rekey): ask twice, compare.
        case create(path: String)
    }

    static func key(from source: KeySource, purpose: Purpose, kdf: Argon2idParameters) throws -> VaultKey {
        if case .keyfile(let path) = source { return .keyfile(path: path) }
        return .passphrase(try passphrase(from: source, purpose: purpose), kdf: kdf)
    }

    static func passphrase(from source: KeySource, purpose: Purpose) throws -> Passphrase {
        let bytes: SecureBytes
        let origin: String
        switch source {
        case .keyfile:
            preconditionFailure("a keyfile is not a passphrase source")
        case .passphraseFD(let fd, let description):
            origin = description
            bytes = try Posix.readLine(from: fd, limit: TerminalPrompt.passphraseLimit, describing: description)
        case .passphraseFile(let path):
            origin = path
            bytes = try firstLine(ofFile: path)
        case .passphraseCommand(let commandLine, let description):
            origin = description
            bytes = try PassphraseCommand.run(commandLine, origin: description)
        case .prompt:
            return try prompt(for: purpose)
        }
        guard let passphrase = try? Passphrase(bytes) else { throw CLIError.emptyPassphrase(source: origin) }
        return passphrase
    }

    /// A passphrase file is held to the keyfile's rules, checked on the very file opened: a
    /// regular file (pipes take the `--passphrase-fd` route), owned by us or root, and neither
    /// readable nor writable by anyone else. It is read straight into secure memory; one byte
    /// more than the limit shows a file too large to be a passphrase file.
    private static func firstLine(ofFile path: String) throws -> SecureBytes {
        let file = try openPassphraseFile(path)
        guard file.status.isRegularFile || file.status.isDirectory else { throw CLIError.passphraseFileNotAFile(path: path) }
        try PassphraseFilePolicy.check(file.status, path: path)
        let contents = try SecureBytes(uninitializedCount: passphraseFileLimit + 1)
        let count = try contents.withUnsafeMutableBytes { (buffer) throws(FileError) in try file.read(into: buffer) }
        guard count <= passphraseFileLimit else { throw FileError.tooLarge(path: path, limit: passphraseFileLimit) }
        let end = contents.withUnsafeBytes { bytes in bytes[..<count].firstIndex(of: UInt8(ascii: "\n")) ?? count }
        guard end <= TerminalPrompt.passphraseLimit else {
            throw CLIError.passphraseTooLong(source: path, limit: TerminalPrompt.passphraseLimit)
        }
        return try Posix.firstLine(of: contents, length: end, source: path)
    }

    private static func openPassphraseFile(_ path: String) throws -> ReadableFile {
        let opened: ReadableFile?
        do {
            opened = try SecureFile.openForReading(path)
        } catch FileError.notRegularFile {
            throw CLIError.passphraseFileNotAFile(path: path)
        }
        guard let opened else { throw FileError.notFound(path: path) }
        return opened
    }

    private static func prompt(for purpose: Purpose) throws -> Passphrase {
        switch purpose {
        case .unlock(let path):
            let bytes = try TerminalPrompt.readSecret(prompt: "Passphrase for \(path): ")
            guard let passphrase = try? Passphrase(bytes) else { throw CLIError.emptyPassphrase(source: "the terminal") }
            return passphrase
        case .create(let path):
            let first = try TerminalPrompt.readSecret(prompt: "New passphrase for \(path): ")
            guard let passphrase = try? Passphrase(first) else { throw CLIError.emptyPassphrase(source: "the terminal") }
            let second = try TerminalPrompt.readSecret(prompt: "Repeat the new passphrase: ")
            guard first.constantTimeEquals(second) else { throw CLIError.passphrasesDiffer }
            return passphrase
        }
    }
}
