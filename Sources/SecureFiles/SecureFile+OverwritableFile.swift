#if canImport(Glibc)
import Glibc
#endif

/// A file opened to be overwritten in place, with the status of the very inode that was opened.
///
/// It is opened read-only first (`O_NOFOLLOW|O_NONBLOCK`: a symbolic link is refused and a FIFO
/// cannot hang the open), so a caller can look at what is really there (type, owner, link count,
/// first bytes) before anything is written. Write access is taken only by `prepareToOverwrite`,
/// on the same inode: a file whose owner has no write bit (a read-only vault, 0444 or 0400) gets
/// u+w on this descriptor for the duration of the overwrite, and its mode is put back on close.
/// Nobody else ever gains a permission bit.
public final class OverwritableFile {
    public let path: String
    public let location: FileLocation
    /// fstat of the open descriptor, taken before any mode change.
    public let status: FileStatus
    private var readDescriptor: Int32
    private let identity: (device: UInt64, inode: UInt64)
    private var writeDescriptor: Int32 = -1
    /// The mode to put back when u+w was added for the overwrite.
    private var modeToRestore: UInt32?

    fileprivate init(location: FileLocation, descriptor: Int32, info: stat) {
        self.location = location
        self.path = location.path
        self.readDescriptor = descriptor
        self.status = FileStatus(info)
        self.identity = (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    deinit { close() }

    /// Whether the file is a regular file whose first bytes are `prefix`. With
    /// `acceptingShorterFile`, also one whose bytes are all there is of `prefix`'s start (an
    /// empty file, or one cut short while the prefix was being written).
    public func starts(with prefix: [UInt8], acceptingShorterFile: Bool = false) throws(FileError) -> Bool {
        guard status.isRegularFile else { return false }
        guard status.size >= prefix.count || acceptingShorterFile else { return false }
        let count = min(status.size, prefix.count)
        return try firstBytes(count) == Array(prefix[..<count])
    }

    /// Takes write access on the opened inode. Call before anything irreversible (a rename), so
    /// that a file that cannot be overwritten stops the operation while nothing has changed.
    public func prepareToOverwrite() throws(FileError) {
        guard writeDescriptor < 0 else { return }
        if status.isDirectory { throw .isDirectory(path: path) }
        guard status.isRegularFile else { throw .notRegularFile(path: path) }
        do {
            writeDescriptor = try reopenForWriting()
            return
        } catch .permissionDenied {
            // Our own file without the owner's write bit: add that one bit on the descriptor we
            // hold (so it is the inode we checked), never a bit for anyone else.
            guard status.ownerID == geteuid(), status.mode & 0o200 == 0 else { throw .permissionDenied(path: path) }
        }
        guard fchmod(readDescriptor, mode_t(status.mode | 0o200)) == 0 else {
            throw SystemCall.error("fchmod", path: path)
        }
        modeToRestore = status.mode
        do {
            writeDescriptor = try reopenForWriting()
        } catch {
            restoreMode()
            throw error
        }
    }

    /// Random bytes then zeros over every byte, each pass fsynced; then the mode is put back.
    public func overwrite() throws(FileError) {
        try prepareToOverwrite()
        defer { restoreMode() }
        try SecureFile.overwriteInPlace(writeDescriptor, size: status.size, path: path)
    }

    /// Refuses (`untrustedFile`, changing nothing) unless this is provably a file of ours that
    /// nothing else shares: a regular file, owned by us, with no other name (a hard link made by
    /// another user, to a file of ours elsewhere, would otherwise be overwritten through this
    /// name), starting with `magic` when one is given.
    public func checkSafeToWipe(startingWith magic: [UInt8]? = nil) throws(FileError) {
        let quoted = ShellQuoting.quoted(path)
        if status.isDirectory { throw .isDirectory(path: path) }
        guard status.isRegularFile else { throw .notRegularFile(path: path) }
        guard status.ownerID == getuid() || status.ownerID == geteuid() else {
            throw .untrustedFile(
                path: path, reason: "the file is owned by another user (uid \(status.ownerID)); only its owner may overwrite it",
                fix: "sudo rm \(quoted)")
        }
        guard status.linkCount == 1 else {
            throw .untrustedFile(
                path: path,
                reason: "the file has \(status.linkCount) names (hard links), and overwriting it would destroy what the other names hold too; remove the names you did not make",
                fix: "find / -xdev -samefile \(quoted)")
        }
        if let magic, !(try starts(with: magic)) { throw .notRegularFile(path: path) }
    }

    /// `overwrite`, then unlink. With `takingNameAwayFirst` (for a vault, which lock-free readers
    /// open by name) the name is taken away first, by a rename to a `.wipe-` name beside it: a
    /// reader that opens the name meanwhile finds nothing, never a half-overwritten file, and a
    /// process killed mid-wipe leaves a name that the vault's `leftoverTempFiles` recognises.
    /// Without it (the default: any other file) the file is overwritten where it lies, so that
    /// nothing can be left under a name nobody looks at.
    public func overwriteAndRemove(takingNameAwayFirst: Bool = false) throws(FileError) {
        try prepareToOverwrite()
        guard takingNameAwayFirst else {
            try overwrite()
            try location.unlink()
            return
        }
        let wipeName = location.sibling(named: TempName.wipePrefix(for: location.name) + SecureFile.randomSuffix())
        let directory = location.directory.descriptor
        guard renameat(directory, location.name, directory, wipeName.name) == 0 else {
            throw SystemCall.error("rename", path: path)
        }
        guard let moved = try wipeName.status(), moved.device == identity.device, moved.inode == identity.inode else {
            // Someone put another file at the name between our open and the rename: give it back.
            renameat(directory, wipeName.name, directory, location.name)
            throw .system(path: path, operation: "rename (the file was replaced meanwhile)", errno: EAGAIN)
        }
        try location.directory.sync()
        try overwrite()
        try wipeName.unlink()
    }

    /// Closes both descriptors, putting back a mode `prepareToOverwrite` changed. Calling it
    /// again (deinit does) does nothing: a descriptor number closed twice may by then be
    /// another thread's file.
    public func close() {
        restoreMode()
        if writeDescriptor >= 0 {
            SystemCall.close(writeDescriptor)
            writeDescriptor = -1
        }
        if readDescriptor >= 0 {
            SystemCall.close(readDescriptor)
            readDescriptor = -1
        }
    }

    private func restoreMode() {
        guard let mode = modeToRestore else { return }
        // Best effort: the bit we added is the owner's own, so failing to drop it loosens nothing
        // for anyone else.
        _ = fchmod(readDescriptor, mode_t(mode))
        modeToRestore = nil
    }

    /// Opens `path` for writing again and proves it is still the inode checked: a name swapped
    /// in between is refused rather than overwritten.
    private func reopenForWriting() throws(FileError) -> Int32 {
        let fd = try location.open(O_WRONLY | O_NONBLOCK)
        let info: stat
        do { info = try SystemCall.fstat(fd, path: path) } catch {
            SystemCall.close(fd)
            throw error
        }
        guard UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode else {
            SystemCall.close(fd)
            throw .system(path: path, operation: "reopen (the file was replaced meanwhile)", errno: EAGAIN)
        }
        return fd
    }

    private func firstBytes(_ count: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(readDescriptor, raw.baseAddress! + filled, count - filled, off_t(filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemCall.error("read", path: path)
            }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes[..<filled])
    }
}

extension SecureFile {
    /// Opens the file at `location` to be overwritten in place, or returns nil when nothing is
    /// there. The name is never followed: a symbolic link there is refused (ELOOP).
    public static func openForOverwrite(_ location: FileLocation) throws(FileError) -> OverwritableFile? {
        let fd: Int32
        do {
            fd = try location.open(O_RDONLY | O_NONBLOCK)
        } catch .notFound {
            return nil
        }
        do {
            return OverwritableFile(location: location, descriptor: fd, info: try SystemCall.fstat(fd, path: location.path))
        } catch {
            SystemCall.close(fd)
            throw error
        }
    }

    /// `openForOverwrite` at `path`, whose last component is never followed.
    public static func openForOverwrite(_ path: String) throws(FileError) -> OverwritableFile? {
        let location: FileLocation
        do { location = try locate(path, followingFinalLink: false) } catch .notFound { return nil }
        return try openForOverwrite(location)
    }
}
