#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Replaces the file at `location` with `bytes` so that a reader, or a crash at any instant,
    /// sees either the old file or the new one, never a mix.
    ///
    /// The temp file is born private (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600) in the same
    /// directory, so the rename cannot cross file systems and no other user ever sees the bytes
    /// through a looser mode. `mode` wins; else an existing file keeps its mode; else 0600. The
    /// mode is set with fchmod on our own descriptor, so the umask cannot loosen it.
    public static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to location: FileLocation, mode: UInt32? = nil) throws(FileError) {
        let existing = try location.status()
        if existing?.isDirectory == true { throw .isDirectory(path: location.path) }
        // Permission bits only: no setuid, setgid or sticky bit is carried over.
        let finalMode = mode ?? existing.flatMap { $0.isRegularFile ? $0.mode & 0o777 : nil } ?? 0o600
        let temp = try writeTempFile(bytes, besides: location, mode: finalMode)
        guard renameat(location.directory.descriptor, temp.name, location.directory.descriptor, location.name) == 0 else {
            let failure = SystemCall.error("rename", path: location.path)
            unlinkat(location.directory.descriptor, temp.name, 0)
            throw failure
        }
        try location.directory.sync()
    }

    /// `writeAtomically` at `path`, resolved by `locate`: a symbolic link of ours at `path` is
    /// followed (its target is replaced and the link survives); another user's is refused.
    public static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String, mode: UInt32? = nil) throws(FileError) {
        try writeAtomically(bytes, to: try locate(path), mode: mode)
    }

    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32? = nil) throws(FileError) {
        try writeAtomically(bytes, to: try locate(path), mode: mode)
    }

    public static func writeAtomically(_ bytes: [UInt8], to location: FileLocation, mode: UInt32? = nil) throws(FileError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) in try writeAtomically(raw, to: location, mode: mode) }
        }.get()
    }

    /// Writes a new file at `location` and refuses, with `.alreadyExists`, if anything is there
    /// already. linkat(2) publishes the complete file in one step and fails if the name is
    /// taken, so neither a partial file nor a replaced one can result.
    ///
    /// Where the file system allows it the new file is written unnamed (`O_TMPFILE`) and gets
    /// its only name when complete, so a process killed mid-write leaves nothing behind (a
    /// keyfile's temp file would hold the whole key). Elsewhere (NFS, for one) a named temp
    /// file is used as in `writeAtomically`.
    public static func createExclusively(_ bytes: UnsafeRawBufferPointer, at location: FileLocation, mode: UInt32 = 0o600) throws(FileError) {
        if try createUnnamedFirst(bytes, at: location, mode: mode) { return }
        let directory = location.directory.descriptor
        let temp = try writeTempFile(bytes, besides: location, mode: mode)
        defer { unlinkat(directory, temp.name, 0) }
        guard linkat(directory, temp.name, directory, location.name, 0) == 0 else {
            throw SystemCall.error("link", path: location.path)
        }
        try location.directory.sync()
    }

    public static func createExclusively(_ bytes: UnsafeRawBufferPointer, at path: String, mode: UInt32 = 0o600) throws(FileError) {
        try createExclusively(bytes, at: try locate(path, followingFinalLink: false), mode: mode)
    }

    public static func createExclusively(_ bytes: [UInt8], at path: String, mode: UInt32 = 0o600) throws(FileError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) in try createExclusively(raw, at: path, mode: mode) }
        }.get()
    }

    /// Removes the name at `location` and makes the removal durable. Nothing there is not an
    /// error. A symbolic link there is removed, never followed.
    public static func remove(_ location: FileLocation) throws(FileError) {
        try location.unlink()
    }

    /// `remove` at `path`; only the last component's own entry is removed.
    public static func remove(_ path: String) throws(FileError) {
        let location: FileLocation
        do { location = try locate(path, followingFinalLink: false) } catch .notFound { return }
        try location.unlink()
    }

    /// O_TMPFILE from <fcntl.h> (with O_DIRECTORY, as the kernel requires), and linkat's
    /// AT_SYMLINK_FOLLOW: not exported by Swift's Glibc module.
    private static let unnamedFile: Int32 = 0o20000000 | O_DIRECTORY
    private static let followingLink: Int32 = 0x400

    /// `createExclusively` through an unnamed file; false, having changed nothing, when the
    /// file system or /proc does not offer one.
    private static func createUnnamedFirst(_ bytes: UnsafeRawBufferPointer, at location: FileLocation, mode: UInt32) throws(FileError) -> Bool {
        let directory = location.directory.descriptor
        let fd = Glibc.openat(directory, ".", unnamedFile | O_WRONLY | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else {
            switch errno {
            case EOPNOTSUPP, EISDIR, EINVAL, ENOENT: return false
            default: throw SystemCall.error("open", path: location.path)
            }
        }
        defer { SystemCall.close(fd) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemCall.error("fchmod", path: location.path) }
        try SystemCall.writeAll(fd, bytes, path: location.path)
        try SystemCall.fsync(fd, path: location.path)
        // Naming an unnamed file needs its /proc link (linkat with AT_EMPTY_PATH needs a privilege).
        guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", directory, location.name, followingLink) == 0 else {
            if errno == ENOENT { return false }  // no /proc
            throw SystemCall.error("link", path: location.path)
        }
        try location.directory.sync()
        return true
    }

    /// Writes and fsyncs a private temp file next to the destination; returns its location.
    private static func writeTempFile(
        _ bytes: UnsafeRawBufferPointer, besides location: FileLocation, mode: UInt32
    ) throws(FileError) -> FileLocation {
        var fd: Int32 = -1
        var temp = location
        for _ in 0..<8 {
            temp = location.sibling(named: TempName.prefix(for: location.name) + randomSuffix())
            do {
                fd = try temp.open(O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
                break
            } catch .alreadyExists {
                continue
            } catch .notFound {
                throw .notFound(path: location.path)
            } catch .permissionDenied {
                throw .permissionDenied(path: location.path)
            }
        }
        guard fd >= 0 else { throw .alreadyExists(path: temp.path) }
        do throws(FileError) {
            guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemCall.error("fchmod", path: location.path) }
            try SystemCall.writeAll(fd, bytes, path: location.path)
            try SystemCall.fsync(fd, path: location.path)
        } catch {
            SystemCall.close(fd)
            unlinkat(location.directory.descriptor, temp.name, 0)
            throw error
        }
        SystemCall.close(fd)
        return temp
    }

    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: TempName.suffixLength - hex.count) + hex
    }
}
