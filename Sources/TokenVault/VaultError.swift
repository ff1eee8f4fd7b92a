/// Everything that can go wrong with a vault. Every case names the file; none carries key or
/// token material. (STUB: owned by the vault-storage work; signatures are the contract.)
public enum VaultError: Error, Equatable, Sendable {
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
    /// The decrypted contents are not a valid token document.
    case invalidTokenData(path: String, reason: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
}
