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
        // Clearing unlinks the lock file while holding it. A process that was waiting on that
        // file then wins a lock on a name nobody else will ever open again; it has to notice
        // and start over on the current file, or two writers would run at once.
        for _ in 0..<8 {
            let lock = try mappingFileErrors(role: .other, vaultPath: vaultPath) { () throws(FileError) in
                try FileLock.acquire(lockPath, timeoutSeconds: timeoutSeconds)
            }
            defer { lock.release() }
            guard try lockFileIsCurrent(lock, path: lockPath) else { continue }
            return try body()
        }
        throw VaultError.lockTimeout(path: vaultPath, seconds: timeoutSeconds)
    }

    private static func lockFileIsCurrent(_ lock: FileLock, path: String) throws(VaultError) -> Bool {
        let current = try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.status(of: path, followingSymlinks: false)
        }
        return current != nil
    }
}
