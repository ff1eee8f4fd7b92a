internal import SecureFiles

/// The exclusive lock every vault write holds: an OFD record lock on the sidecar `<vault>.lock`
/// (see `FileLock` for why OFD locks). Reads never take it, so a vault on a read-only file
/// system, or one we may read but not write, still opens.
enum VaultLock {
    /// Next to the file writes really replace, so a vault reached through a symbolic link and
    /// through its real name shares one lock.
    static func lockPath(forVault path: String) throws(VaultError) -> String {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.writeTarget(of: path) + ".lock"
        }
    }

    /// Runs `body` holding the vault's lock, waiting at most `timeoutSeconds` for it.
    static func withLock<R>(vaultPath: String, timeoutSeconds: Double, _ body: () throws -> R) throws -> R {
        let lockPath = try lockPath(forVault: vaultPath)
        for _ in 0..<16 {
            // Clearing unlinks the lock file while holding it. A process that was already
            // waiting on that file then wins a lock on a name nobody will open again, while a
            // newcomer locks the new file: two writers at once. So the lock only counts when
            // the name still leads to the file we locked. FileLock does not show which inode it
            // locked, but this proves it: hold a descriptor on the name's file from *before*
            // acquiring, and find the name on that same inode *after*. The held descriptor keeps
            // the inode number from being reused, and a lock file is only ever created by open
            // and removed by unlink (never renamed or linked into place), so a name that left
            // the inode can never come back to it: the name led there all along, including when
            // FileLock opened it.
            // `try?`: a lock file we cannot open to read (another user's, a socket) is refused by
            // FileLock.acquire just below, with the reason and the fix.
            let before = try? SecureFile.openForReading(lockPath)
            let lock = try mappingFileErrors(role: .other, vaultPath: vaultPath) { () throws(FileError) in
                try FileLock.acquire(lockPath, timeoutSeconds: timeoutSeconds)
            }
            defer { lock.release() }
            let after = try mappingFileErrors(role: .other) { () throws(FileError) in
                try SecureFile.status(of: lockPath, followingSymlinks: false)
            }
            guard let before, let after, before.status.inode == after.inode else {
                // Either the file did not exist yet (FileLock just created it; the next round
                // can prove it) or it was cleared away under us.
                continue
            }
            return try body()
        }
        throw VaultError.lockTimeout(path: vaultPath, seconds: timeoutSeconds)
    }
}
