internal import SecureFiles
internal import VaultCrypto

/// The vault file on disk, seen through the permission policy: every read checks the inode it
/// actually opened, every write first checks the directory it renames in.
struct VaultFile {
    let path: String

    /// The vault's bytes, or nil when there is no vault. Needs neither write access nor the lock.
    func readIfPresent() throws(VaultError) -> [UInt8]? {
        try mappingFileErrors(role: .vault) { () throws(FileError) -> ReadableFile? in
            try SecureFile.openForReading(path)
        }.map { file throws(VaultError) in
            try PermissionPolicy.checkVault(file.status, path: path)
            return try mappingFileErrors(role: .vault) { () throws(FileError) in try file.readAll() }
        }
    }

    /// `readIfPresent` straight into secure memory, for decrypting in place: the buffer holds
    /// the file's `count` bytes (and one spare byte, which showed that the file did not grow
    /// between fstat and read; if it did, the bytes are read again the ordinary way).
    func readIntoSecureMemoryIfPresent() throws(VaultError) -> (buffer: SecureBytes, count: Int)? {
        let opened = try mappingFileErrors(role: .vault) { () throws(FileError) -> ReadableFile? in
            try SecureFile.openForReading(path)
        }
        guard let file = opened else { return nil }
        try PermissionPolicy.checkVault(file.status, path: path)
        if file.status.size > SecureFile.defaultReadLimit {
            throw VaultError(FileError.tooLarge(path: path, limit: SecureFile.defaultReadLimit), role: .vault)
        }
        let buffer: SecureBytes
        do { buffer = try SecureBytes(uninitializedCount: file.status.size + 1) } catch { throw VaultError(error, path: path) }
        let count = try buffer.withUnsafeMutableBytes { (bytes) throws(VaultError) -> Int in
            try mappingFileErrors(role: .vault) { () throws(FileError) in try file.read(into: bytes) }
        }
        guard count > file.status.size else { return (buffer, count) }
        guard let bytes = try readIfPresent() else { return nil }
        let copy = try bytes.withUnsafeBytes { raw in
            Result { () throws(CryptoError) in try SecureBytes(copying: raw) }
        }.mapError { VaultError($0, path: path) }.get()
        return (copy, bytes.count)
    }

    func read() throws(VaultError) -> [UInt8] {
        guard let bytes = try readIfPresent() else { throw .missingVault(path: path) }
        return bytes
    }

    /// Atomic replace; an existing vault keeps its mode, a new one is 0600.
    func replace(with bytes: [UInt8]) throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.writeAtomically(bytes, to: path)
        }
    }

    /// Atomic replace, then the replaced inode's bytes are overwritten in place. `replaced` runs
    /// right after the rename, so a caller can tell a failed wipe from a failed replace.
    /// `onlyIfAVault`: a replaced file that does not start with the vault magic is not wiped.
    func replaceWipingOld(
        with bytes: [UInt8], mode: UInt32? = nil, onlyIfAVault: Bool = false, replaced: () -> Void = {}
    ) throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.writeAtomicallyWipingReplaced(
                bytes, to: path, mode: mode, onlyIfStartingWith: onlyIfAVault ? VaultFormat.magic : nil, replaced: replaced)
        }
    }

    /// A new vault, 0600; `alreadyExists` if anything is at the path.
    func create(with bytes: [UInt8]) throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try bytes.withUnsafeBytes { raw in
                Result { () throws(FileError) in try SecureFile.createExclusively(raw, at: path, mode: 0o600) }
            }.get()
        }
    }

    /// Overwrites the vault in place, unlinks it, then unlinks the lock file (which the caller
    /// holds: waiters notice the unlinked lock file and retry on a fresh one). `opened`: the
    /// vault's write target, already opened (and checked) by the caller.
    func wipeWithLockFile(opened: OverwritableFile? = nil) throws(VaultError) {
        let lockPath = try VaultLock.lockPath(forVault: path)
        try mappingFileErrors(role: .other) { () throws(FileError) in
            let target = try SecureFile.writeTarget(of: path)
            if let opened {
                try opened.overwriteAndRemove()
            } else {
                try SecureFile.overwriteAndRemove(target)
            }
            if target != path {
                // The symbolic link that named the vault would dangle, and a later write through
                // a dangling link fails; clearing removes the name too.
                try SecureFile.remove(path)
            }
            try SecureFile.remove(lockPath)
        }
    }

    /// Overwrites and removes the temp files of writers that died mid-write (they hold whole
    /// earlier versions of the vault). Call only while holding the vault's lock. A name that
    /// merely looks like one (another name of some file, a directory, a link, a FIFO, a file of
    /// another user, bytes that are not a vault's) is left alone: see `wipeLeftoverTempFile`.
    func wipeLeftoverTempFiles() throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            for leftover in try SecureFile.leftoverTempFiles(besides: path) {
                try SecureFile.wipeLeftoverTempFile(leftover, startingWith: VaultFormat.magic)
            }
        }
    }
}
