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
    /// the vault's directory like every write does, and follows a symbolic link at `path` (the
    /// link is removed too, as `destroyVault` does).
    ///
    /// Refuses, changing nothing: `missingVault` when there is no file, `notAVault` for anything
    /// but a regular file starting with the vault magic, `unsafePermissions` for a file owned by
    /// another user (root included).
    public static func destroyVaultWithoutKey(path: String, lockTimeoutSeconds: Double = 10) throws {
        try PermissionPolicy.checkDirectory(forWriting: path)
        // Checked before the lock too, so that refusing a stray file leaves no lock file beside it.
        try openProvenVault(path).close()
        try VaultLock.withLock(vaultPath: path, timeoutSeconds: lockTimeoutSeconds) {
            let vault = try openProvenVault(path)
            defer { vault.close() }
            let file = VaultFile(path: path)
            // Write access first: a vault that cannot be overwritten stops us before any change.
            try mappingFileErrors(role: .other) { () throws(FileError) in try vault.prepareToOverwrite() }
            try file.wipeLeftoverTempFiles()
            try file.wipeWithLockFile(opened: vault)
        }
    }

    /// The vault at `path` (a symbolic link followed), open for overwriting, once it is proven a
    /// regular file of ours that starts with the vault magic.
    private static func openProvenVault(_ path: String) throws(VaultError) -> OverwritableFile {
        let opened = try mappingFileErrors(role: .vault) { () throws(FileError) in
            try SecureFile.openForOverwrite(try SecureFile.writeTarget(of: path))
        }
        guard let vault = opened else { throw .missingVault(path: path) }
        guard vault.status.isRegularFile else {
            vault.close()
            throw .notAVault(path: path)
        }
        let me = SecureFile.currentUserID
        guard vault.status.ownerID == me else {
            vault.close()
            throw .unsafePermissions(
                path: path, reason: "the vault is owned by another user (uid \(vault.status.ownerID)); only its owner may destroy it without the key",
                fix: "chown \(me) \(PermissionPolicy.quoted(path))")
        }
        let isVault = try mappingFileErrors(role: .vault) { () throws(FileError) in
            try vault.starts(with: VaultFormat.magic)
        }
        guard isVault else {
            vault.close()
            throw .notAVault(path: path)
        }
        return vault
    }
}
