internal import SecureFiles
internal import Synchronization
internal import VaultCrypto

/// The vault file on disk, seen through the permission policy: every read checks the inode it
/// actually opened, every write first checks the directory it renames in. Resolved once per
/// operation (`SecureFile.locate`): the reads, the lock, the rename and the wipes of one
/// operation all act relative to the same open directory.
struct VaultFile {
    let path: String
    let location: FileLocation

    /// For reading. `nil` when a directory on the way is missing: there is no vault then.
    static func forReading(_ path: String) throws(VaultError) -> VaultFile? {
        do {
            return VaultFile(path: path, location: try SecureFile.locate(path))
        } catch .notFound {
            return nil
        } catch {
            throw VaultError(error, role: .vault)
        }
    }

    /// For writing: the directory that receives the temp file and the rename is checked too.
    static func forWriting(_ path: String) throws(VaultError) -> VaultFile {
        let location: FileLocation
        do {
            location = try SecureFile.locate(path)
        } catch .notFound {
            throw .io(path: path, operation: "open directory", errno: 2)
        } catch {
            throw VaultError(error, role: .vault)
        }
        try PermissionPolicy.checkDirectory(of: location)
        return VaultFile(path: path, location: location)
    }

    /// The open vault, checked by the permission policy (unless told not to), or nil when
    /// there is none.
    func openIfPresent(checkingPermissions: Bool = true) throws(VaultError) -> ReadableFile? {
        let opened = try mappingFileErrors(role: .vault) { () throws(FileError) in try SecureFile.openForReading(location) }
        guard let file = opened else { return nil }
        if checkingPermissions { try PermissionPolicy.checkVault(file.status, path: path) }
        return file
    }

    /// The vault's bytes, or nil when there is no vault. Needs neither write access nor the lock.
    func readIfPresent() throws(VaultError) -> [UInt8]? {
        guard let file = try openIfPresent() else { return nil }
        return try mappingFileErrors(role: .vault) { () throws(FileError) in try file.readAll() }
    }

    /// Reads the vault and runs `decode` on it, without the lock; nil when there is no vault.
    ///
    /// Writers that wipe (rekey, clear, a forced init) overwrite an old inode in place after
    /// taking its name away, so a lock-free reader that opened it just before may read a
    /// half-overwritten file. A reader must see the old vault, the new one, or none, never
    /// "damaged": so when `decode` fails on the contents and the name no longer leads to the
    /// inode that was read (checked while it is still held open, so its number cannot have been
    /// reused), the read starts over; when nothing is at the name any more there is no vault.
    /// A failure on the file the name still leads to is the file's own, and is reported.
    func readConsistently<T>(checkingPermissions: Bool = true, _ decode: (ReadableFile) throws -> T) throws -> T? {
        var attempts = 0
        while true {
            guard let file = try openIfPresent(checkingPermissions: checkingPermissions) else { return nil }
            Self.afterOpening.withLock { $0[path] }?()
            do {
                return try decode(file)
            } catch let error as VaultError where error.isAboutContents {
                let still = try mappingFileErrors(role: .vault) { () throws(FileError) in try file.isStill(at: location) }
                attempts += 1
                switch still {
                case nil: return nil
                case false? where attempts < Self.rereadLimit: continue
                default: throw error
                }
            }
        }
    }

    /// Test seam: runs between a lock-free reader's open and its read, where a writer racing
    /// the reader strikes. The one moment of the race a test cannot otherwise hit at will.
    static let afterOpening = Mutex<[String: @Sendable () -> Void]>([:])

    /// Writers replace a vault in well under a millisecond; a name that changes this often
    /// while we read is someone rewriting it in a loop.
    private static let rereadLimit = 64

    /// The bytes of `file` straight into secure memory, for decrypting in place: the buffer
    /// holds the file's `count` bytes (and one spare byte, which showed that the file did not
    /// grow between fstat and read; if it did, the bytes are read again the ordinary way).
    func readIntoSecureMemory(_ file: ReadableFile) throws(VaultError) -> (buffer: SecureBytes, count: Int) {
        if file.status.size > SecureFile.defaultReadLimit {
            throw VaultError(FileError.tooLarge(path: path, limit: SecureFile.defaultReadLimit), role: .vault)
        }
        let buffer: SecureBytes
        do { buffer = try SecureBytes(uninitializedCount: file.status.size + 1) } catch { throw VaultError(error, path: path) }
        let count = try buffer.withUnsafeMutableBytes { (bytes) throws(VaultError) -> Int in
            try mappingFileErrors(role: .vault) { () throws(FileError) in try file.read(into: bytes) }
        }
        guard count > file.status.size else { return (buffer, count) }
        let bytes = try mappingFileErrors(role: .vault) { () throws(FileError) in try file.readAll() }
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
            try SecureFile.writeAtomically(bytes, to: location)
        }
    }

    /// Atomic replace, then the replaced inode's bytes are overwritten in place. `replaced` runs
    /// right after the rename, so a caller can tell a failed wipe from a failed replace.
    /// `onlyIfAVault`: a replaced file that does not start with the vault magic is not wiped.
    /// `onlyIfSafe`: a replaced file that other names share, or that is not ours, is replaced
    /// without the overwrite instead of refusing the write (for ordinary writes, where the wipe
    /// is a precaution, not what the caller asked for).
    func replaceWipingOld(
        with bytes: [UInt8], mode: UInt32? = nil, onlyIfAVault: Bool = false, onlyIfSafe: Bool = false,
        replaced: () -> Void = {}
    ) throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.writeAtomicallyWipingReplaced(
                bytes, to: location, mode: mode, onlyIfStartingWith: onlyIfAVault ? VaultFormat.magic : nil,
                wipingOnlyIfSafe: onlyIfSafe, replaced: replaced)
        }
    }

    /// A new vault, 0600; `alreadyExists` if anything is at the path.
    func create(with bytes: [UInt8]) throws(VaultError) {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try bytes.withUnsafeBytes { raw in
                Result { () throws(FileError) in try SecureFile.createExclusively(raw, at: location, mode: 0o600) }
            }.get()
        }
    }

    /// The vault, open for overwriting, once it is proven a regular file of ours, with no
    /// other name, that starts with the vault magic; nil when there is none.
    func openProvenVault() throws(VaultError) -> OverwritableFile? {
        let opened = try mappingFileErrors(role: .vault) { () throws(FileError) in try SecureFile.openForOverwrite(location) }
        guard let vault = opened else { return nil }
        do {
            try vault.checkSafeToWipe(startingWith: VaultFormat.magic)
        } catch {
            vault.close()
            switch error {
            case .isDirectory, .notRegularFile: throw .notAVault(path: path)
            default: throw VaultError(error, role: .vault)
            }
        }
        return vault
    }

    /// Overwrites the vault in place (after taking its name away), unlinks it, then unlinks the
    /// lock file (which the caller holds: waiters notice the unlinked lock file and retry on a
    /// fresh one). `opened`: the vault, already opened and proven by the caller.
    func wipeWithLockFile(opened: OverwritableFile? = nil) throws(VaultError) {
        let found: OverwritableFile?
        if let opened { found = opened } else { found = try openProvenVault() }
        guard let vault = found else { throw .missingVault(path: path) }
        defer { if opened == nil { vault.close() } }
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try vault.overwriteAndRemove(takingNameAwayFirst: true)
            if let link = location.link {
                // The symbolic link that named the vault would dangle, and a later write through
                // a dangling link fails; clearing removes the name too.
                try SecureFile.remove(link)
            }
            try SecureFile.remove(VaultLock.lockFile(of: location))
        }
    }

    /// Overwrites and removes the temp files of writers that died mid-write (they hold whole
    /// earlier versions of the vault) and of wipes that were interrupted. Call only while
    /// holding the vault's lock. A name that merely looks like one (another name of some file,
    /// a directory, a link, a FIFO, a file of another user, bytes that are not a vault's) is
    /// left alone: see `wipeLeftoverTempFile`. Returns how many it wiped.
    @discardableResult
    func wipeLeftoverTempFiles() throws(VaultError) -> Int {
        try mappingFileErrors(role: .other) { () throws(FileError) in
            var wiped = 0
            for leftover in try SecureFile.leftoverTempFiles(besides: location)
            where try SecureFile.wipeLeftoverTempFile(leftover, startingWith: VaultFormat.magic) {
                wiped += 1
            }
            return wiped
        }
    }
}
