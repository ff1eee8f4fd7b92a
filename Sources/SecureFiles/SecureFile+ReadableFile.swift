#if canImport(Glibc)
import Glibc
#endif

/// A file opened for reading, with the status of the very inode that was opened.
///
/// A permission policy that first calls stat(2) on a path and then opens it checks one file and
/// reads another if the name is swapped in between. Here the status comes from fstat(2) on the
/// open descriptor, so what is checked is exactly what `readAll` returns.
public final class ReadableFile {
    public let path: String
    /// fstat of the open descriptor (symbolic links at `path` were followed by open).
    public let status: FileStatus
    private let descriptor: Int32

    fileprivate init(path: String, descriptor: Int32, status: FileStatus) {
        self.path = path
        self.descriptor = descriptor
        self.status = status
    }

    deinit { SystemCall.close(descriptor) }

    /// The whole file. Anything but a regular file is refused before a byte is read, so a FIFO
    /// or a device at the path can neither block nor feed endless data.
    public func readAll(limit: Int = SecureFile.defaultReadLimit) throws(FileError) -> [UInt8] {
        if status.isDirectory { throw .isDirectory(path: path) }
        guard status.isRegularFile else {
            throw .notRegularFile(path: path)
        }
        if status.size > limit { throw .tooLarge(path: path, limit: limit) }
        return try SystemCall.readAll(descriptor, limit: limit, sizeHint: status.size, path: path)
    }

    /// The file's first `count` bytes (fewer if it is shorter), with `readAll`'s refusals of
    /// what is not a regular file: for a header, without reading a large file whole.
    public func readPrefix(_ count: Int) throws(FileError) -> [UInt8] {
        if status.isDirectory { throw .isDirectory(path: path) }
        guard status.isRegularFile else { throw .notRegularFile(path: path) }
        return try SystemCall.readAll(descriptor, limit: count, sizeHint: count, path: path, stoppingAtLimit: true)
    }

    /// Whether `location` still names the file this object holds open: false when the name now
    /// leads to another file, nil when nothing is there. Safe against inode reuse, because the
    /// open descriptor keeps this inode's number from being given to a new file.
    public func isStill(at location: FileLocation) throws(FileError) -> Bool? {
        guard let now = try location.status() else { return nil }
        return now.device == status.device && now.inode == status.inode
    }

    /// Reads from the current position into `buffer` until it is full or the file ends, and
    /// returns how many bytes were read; `readAll`'s refusals of what is not a regular file.
    /// For callers that keep the bytes in memory of their own (a vault, a keyfile or a
    /// passphrase file read into secure memory).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        if status.isDirectory { throw .isDirectory(path: path) }
        guard status.isRegularFile else { throw .notRegularFile(path: path) }
        return try SystemCall.readFully(descriptor, into: buffer, path: path)
    }
}

extension SecureFile {
    /// Opens the file at `location` for reading, or returns nil when nothing is there. O_NONBLOCK
    /// keeps a FIFO planted at the name from hanging the open; it changes nothing for regular
    /// files. The name itself is never followed (see `locate` for the links on the way).
    public static func openForReading(_ location: FileLocation) throws(FileError) -> ReadableFile? {
        let fd: Int32
        do {
            fd = try location.open(O_RDONLY | O_NONBLOCK)
        } catch .notFound {
            return nil
        } catch .permissionDenied {
            throw refusal(ofUnreadable: location)
        }
        do {
            let info = try SystemCall.fstat(fd, path: location.path)
            return ReadableFile(path: location.path, descriptor: fd, status: FileStatus(info))
        } catch {
            SystemCall.close(fd)
            throw error
        }
    }

    /// Another user's file we may not read, planted where ours should be (in a shared sticky
    /// directory, say), is named as such, with the command that clears the way; anything else
    /// stays a plain `permissionDenied`.
    static func refusal(ofUnreadable location: FileLocation) -> FileError {
        guard let status = try? location.status(), status.ownerID != 0, status.ownerID != getuid(), status.ownerID != geteuid()
        else { return .permissionDenied(path: location.path) }
        return .untrustedFile(
            path: location.path, reason: "the file is owned by another user (uid \(status.ownerID)), not you",
            fix: "sudo rm \(ShellQuoting.quoted(location.path))")
    }

    /// `openForReading` at `path`, resolved by `locate`: nil when nothing is there.
    public static func openForReading(_ path: String) throws(FileError) -> ReadableFile? {
        let location: FileLocation
        do { location = try locate(path) } catch .notFound { return nil }
        return try openForReading(location)
    }
}
