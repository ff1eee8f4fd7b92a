internal import SecureFiles

/// Everything that can go wrong with a vault. Every case names the file; none carries key or
/// token material, so an error can be printed, logged or shown to a user as it is.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key or passphrase does not open this vault.
    case wrongKey(path: String)
    /// The vault was sealed with a passphrase and a keyfile was given, or the reverse.
    case keyKindMismatch(path: String, vaultUses: String)
    /// The file is a vault but its bytes are damaged (failed authentication, bad header, ...).
    case damaged(path: String, reason: String)
    /// The file is not a vault at all.
    case notAVault(path: String)
    /// The vault was written by a newer format version.
    case unsupportedVersion(path: String, version: Int)
    /// The header asks for KDF work outside the accepted bounds.
    case unsafeKDFParameters(path: String, reason: String)
    /// The file or its directory can be written (or a keyfile read) by other users.
    case unsafePermissions(path: String, reason: String, fix: String)
    /// Another process held the vault's lock for longer than the timeout.
    case lockTimeout(path: String, seconds: Double)
    /// The keyfile does not exist.
    case missingKeyfile(path: String)
    /// The keyfile exists but is not in the keyfile format.
    case invalidKeyfile(path: String, reason: String)
    /// The vault does not exist (for operations that need one).
    case missingVault(path: String)
    /// Refused to overwrite an existing vault or keyfile.
    case alreadyExists(path: String)
    /// Rekey was asked to use the key the vault already has.
    case sameKey(path: String)
    /// The decrypted contents are not a valid token document, or tokens given to write would
    /// not be one (nothing is written then).
    case invalidTokenData(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// The system could not give what the key needs: locked secure memory, or Argon2id's
    /// working memory (`what` says which). Nothing is wrong with the vault or the key.
    case resourcesUnavailable(path: String, what: String)
    /// The operating system refused access to the file or its directory.
    case permissionDenied(path: String)
    /// Rekey's re-encrypted vault did not decrypt to the same tokens; the old vault was kept.
    case rekeyVerificationFailed(path: String)
    /// Rekey replaced the vault (it now opens with the new key only), but overwriting the old
    /// file's bytes in place failed, so the old ciphertext may remain on disk.
    case rekeyedButOldCopyNotWiped(path: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .wrongKey(let path), .keyKindMismatch(let path, _), .damaged(let path, _),
            .notAVault(let path), .unsupportedVersion(let path, _), .unsafeKDFParameters(let path, _),
            .unsafePermissions(let path, _, _), .lockTimeout(let path, _), .missingKeyfile(let path),
            .invalidKeyfile(let path, _), .missingVault(let path), .alreadyExists(let path),
            .sameKey(let path), .invalidTokenData(let path, _), .io(let path, _, _), .resourcesUnavailable(let path, _),
            .permissionDenied(let path), .rekeyVerificationFailed(let path), .rekeyedButOldCopyNotWiped(let path):
            return path
        }
    }

    /// One line, lowercase, no final period (the CLI prefixes `frl-vault: error: `).
    public var description: String {
        switch self {
        case .wrongKey(let path):
            return "\(path): the key or passphrase does not open this vault"
        case .keyKindMismatch(let path, let vaultUses):
            return "\(path): this vault is opened with \(vaultUses), not the key given"
        case .damaged(let path, let reason):
            return "\(path): the vault is damaged (\(reason))"
        case .notAVault(let path):
            return "\(path): not a vault file"
        case .unsupportedVersion(let path, let version):
            return "\(path): vault format version \(version) is newer than this program understands"
        case .unsafeKDFParameters(let path, let reason):
            return "\(path): refusing the key-derivation cost in the header (\(reason))"
        case .unsafePermissions(let path, let reason, let fix):
            return "\(path): \(reason); run: \(fix)"
        case .lockTimeout(let path, let seconds):
            return "\(path): another process held the vault's lock (\(path).lock) for more than \(seconds) s"
        case .missingKeyfile(let path):
            return "\(path): no such keyfile (create one with: frl-vault keygen \(path))"
        case .invalidKeyfile(let path, let reason):
            return "\(path): not a vault keyfile (\(reason))"
        case .missingVault(let path):
            return "\(path): no such vault"
        case .alreadyExists(let path):
            return "\(path): already exists, refusing to overwrite"
        case .sameKey(let path):
            return "\(path): the new key is the one the vault already uses"
        case .invalidTokenData(let path, let reason):
            return "\(path): invalid token data (\(reason))"
        case .io(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(SecureFile.errorText(for: errno))"
        case .permissionDenied(let path):
            return "\(path): permission denied"
        case .resourcesUnavailable(let path, let what):
            return "\(path): the system could not provide \(what)"
        case .rekeyVerificationFailed(let path):
            return "\(path): the re-encrypted vault did not read back correctly; the old vault is unchanged"
        case .rekeyedButOldCopyNotWiped(let path):
            return "\(path): rekeyed, and the vault now opens with the new key only, but overwriting the old copy failed: the old key's ciphertext may remain on disk"
        }
    }
}

extension VaultError {
    /// A failure that the bytes read decide (not the key source, the permissions or the system):
    /// one a reader must check was not caused by a writer replacing or wiping the file mid-read.
    var isAboutContents: Bool {
        switch self {
        case .wrongKey, .keyKindMismatch, .damaged, .notAVault, .unsupportedVersion, .unsafeKDFParameters,
            .invalidTokenData:
            return true
        default:
            return false
        }
    }
}
