#if canImport(Glibc)
import Glibc
#endif

/// Where a file operation acts: a directory held open by descriptor, and one name in it.
///
/// A path string is a question put to the file system each time it is used, and between two
/// uses anyone who can write a directory on the way can change the answer (a planted symbolic
/// link, a swapped name). A location asks once (`SecureFile.locate`), keeps the answer as an open
/// directory, and every later call acts relative to it (`openat`, `renameat`, `linkat`,
/// `unlinkat`, `fstatat`, the directory scan and its fsync) with the last component never
/// followed (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`). The operations that take a path resolve it
/// into a location first, so a single call is safe too; callers that act on one file several
/// times (a vault, its lock file, its temp files) resolve once and pass the location on.
public final class FileLocation: Sendable {
    /// What messages name: the path as the caller gave it or, when it named a symbolic link
    /// that was followed, the link's target spelled out.
    public let path: String
    /// The last component: never empty, never "." or "..", without a slash.
    public let name: String
    let directory: DirectoryHandle
    /// The symbolic link the caller named, when it was followed to get here: clearing a vault
    /// removes that name too, so that it does not dangle.
    public let link: FileLocation?

    init(directory: DirectoryHandle, name: String, path: String, link: FileLocation? = nil) {
        self.directory = directory
        self.name = name
        self.path = path
        self.link = link
    }

    /// The file `suffix` longer in the same directory, as a lock file sits next to its vault.
    public func sibling(withSuffix suffix: String) -> FileLocation {
        FileLocation(directory: directory, name: name + suffix, path: path + suffix)
    }

    /// Another name in the same directory (a temp file's).
    func sibling(named other: String) -> FileLocation {
        FileLocation(directory: directory, name: other, path: directory.path(of: other))
    }

    /// The directory's path as messages name it.
    public var directoryPath: String { directory.path }

    /// Whether the directory could be opened for reading, which its fsync (making a rename,
    /// link or unlink durable) and the scan for leftovers need.
    public var directoryIsReadable: Bool { directory.isReadable }

    /// The status of what the name leads to now, without following a symbolic link, or nil when
    /// nothing is there.
    public func status() throws(FileError) -> FileStatus? {
        var info = stat()
        if fstatat(directory.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { return FileStatus(info) }
        if errno == ENOENT { return nil }
        throw SystemCall.error("stat", path: path)
    }

    /// The status of the directory itself, from its descriptor.
    public func directoryStatus() throws(FileError) -> FileStatus {
        FileStatus(try SystemCall.fstat(directory.descriptor, path: directory.path))
    }

    /// Opens the name relative to the directory; the last component is never followed.
    func open(_ flags: Int32, mode: mode_t = 0) throws(FileError) -> Int32 {
        try SystemCall.openat(directory.descriptor, name, flags | O_NOFOLLOW, mode: mode, path: path)
    }

    /// Removes the name and makes the removal durable. Nothing there is not an error.
    func unlink() throws(FileError) {
        guard unlinkat(directory.descriptor, name, 0) == 0 else {
            if errno == ENOENT { return }
            throw SystemCall.error("unlink", path: path)
        }
        try directory.sync()
    }
}

/// An open directory: the anchor of every `FileLocation` in it. Opened for reading where the
/// directory allows it (a scan and an fsync need that), else as a path-only handle.
final class DirectoryHandle: Sendable {
    let descriptor: Int32
    let path: String
    /// False for a path-only handle (`O_PATH`), which cannot be scanned or fsynced.
    let isReadable: Bool

    init(descriptor: Int32, path: String, isReadable: Bool) {
        self.descriptor = descriptor
        self.path = path
        self.isReadable = isReadable
    }

    deinit { SystemCall.close(descriptor) }

    func path(of name: String) -> String {
        switch path {
        case "/": return "/" + name
        case ".": return name
        default: return path + "/" + name
        }
    }

    /// Makes a rename, link or unlink in this directory durable.
    func sync() throws(FileError) {
        guard isReadable else { throw .permissionDenied(path: path) }
        try SystemCall.fsync(descriptor, path: path)
    }
}
