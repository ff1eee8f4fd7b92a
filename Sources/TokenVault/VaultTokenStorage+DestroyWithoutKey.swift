internal import SecureFiles

/// Destroying a vault nobody can open any more.
///
/// `destroyVault()` demands the key first, so that a mistyped passphrase cannot destroy anyone's
/// tokens. A vault whose key is lost, or that is damaged, would then stay on disk for good, its
/// ciphertext in reach of whoever later finds the key. This is the keyless way out, and what
/// replaces the key as a safeguard is proof that the file is a vault of ours: it must be a
/// regular file, owned by the calling user, that starts with the vault magic "FRLVAULT". So it
/// can never be pointed at an arbitrary file, but it does destroy any vault of the user's,
/// readable or not: callers must confirm with the user first.
extension VaultTokenStorage {
    /// Overwrites the vault at `path` in place and unlinks it, its lock file and dead writers'
    /// temp files, without any key. Holds the vault's lock (so no writer is mid-write), checks
    /// the vault's directory like every write does, and follows a symbolic link of ours at
    /// `path` (the link is removed too, as `destroyVault` does).
    ///
    /// Refuses, changing nothing: `missingVault` when there is no file (after wiping what an
    /// interrupted wipe left beside the name, if anything: then it succeeds), `notAVault` for
    /// anything but a regular file starting with the vault magic, `unsafePermissions` for a
    /// file owned by another user (root included) or one with other names (hard links).
    public static func destroyVaultWithoutKey(path: String, lockTimeoutSeconds: Double = 10) throws {
        let file = try VaultFile.forWriting(path)
        // Checked before the lock too, so that refusing a stray file leaves no lock file beside it.
        try file.openProvenVault()?.close()
        try VaultLock.withLock(vault: file.location, timeoutSeconds: lockTimeoutSeconds) {
            guard let vault = try file.openProvenVault() else {
                guard try file.wipeLeftoverTempFiles() > 0 else { throw VaultError.missingVault(path: path) }
                return
            }
            defer { vault.close() }
            // Write access first: a vault that cannot be overwritten stops us before any change.
            try mappingFileErrors(role: .other) { () throws(FileError) in try vault.prepareToOverwrite() }
            try file.wipeLeftoverTempFiles()
            try file.wipeWithLockFile(opened: vault)
        }
    }
}
