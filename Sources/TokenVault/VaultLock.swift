internal import SecureFiles

/// The exclusive lock every vault write holds: an OFD record lock on the sidecar `<vault>.lock`
/// (see `FileLock` for why OFD locks). Reads never take it, so a vault on a read-only file
/// system, or one we may read but not write, still opens.
enum VaultLock {
    /// Next to the file writes really replace (the location a symbolic link of ours led to), so
    /// a vault reached through a link and through its real name shares one lock.
    static func lockFile(of vault: FileLocation) -> FileLocation {
        vault.sibling(withSuffix: ".lock")
    }

    /// Runs `body` holding the vault's lock, waiting at most `timeoutSeconds` for it. When no
    /// vault is there afterwards (nothing was written, or the vault was cleared), or when `body`
    /// failed and the lock file did not exist before, the lock file is removed while still
    /// held: a failed command leaves nothing behind.
    static func withLock<R>(vault: FileLocation, timeoutSeconds: Double, _ body: () throws -> R) throws -> R {
        let lockFile = lockFile(of: vault)
        let lockFileExisted = (try? lockFile.status()) != nil
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
            let before = try? SecureFile.openForReading(lockFile)
            let lock = try mappingFileErrors(role: .other, vaultPath: vault.path) { () throws(FileError) in
                try FileLock.acquire(lockFile, timeoutSeconds: timeoutSeconds)
            }
            defer { lock.release() }
            let after = try mappingFileErrors(role: .other) { () throws(FileError) in try lockFile.status() }
            guard let before, let after, before.status.inode == after.inode, before.status.device == after.device else {
                // Either the file did not exist yet (FileLock just created it; the next round
                // can prove it) or it was cleared away under us.
                continue
            }
            do {
                let result = try body()
                removeIfNoVault(vault, lockFile: lockFile, locked: after)
                return result
            } catch {
                if lockFileExisted {
                    removeIfNoVault(vault, lockFile: lockFile, locked: after)
                } else {
                    remove(lockFile, ifStill: after)
                }
                throw error
            }
        }
        throw VaultError.lockTimeout(path: vault.path, seconds: timeoutSeconds)
    }

    /// Best effort, and only while the lock is held: waiters notice the unlinked lock file and
    /// retry on a fresh one (see `withLock`). Only the file we locked: when `body` cleared the
    /// vault it removed that one itself, and a newer lock file at the name is another's.
    private static func removeIfNoVault(_ vault: FileLocation, lockFile: FileLocation, locked: FileStatus) {
        guard case .success(nil) = Result(catching: { () throws(FileError) in try vault.status() }) else { return }
        remove(lockFile, ifStill: locked)
    }

    private static func remove(_ lockFile: FileLocation, ifStill locked: FileStatus) {
        guard case .success(let now?) = Result(catching: { () throws(FileError) in try lockFile.status() }),
            now.inode == locked.inode, now.device == locked.device
        else { return }
        _ = Result(catching: { () throws(FileError) in try SecureFile.remove(lockFile) })
    }
}
