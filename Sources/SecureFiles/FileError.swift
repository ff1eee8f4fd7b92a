/// A file operation that failed. Every case names the path; the description is one line.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or a directory on its path) does not exist.
    case notFound(path: String)
    /// A file was expected but the path is a directory.
    case isDirectory(path: String)
    /// A regular file was expected, but the path is a FIFO, a device or a socket.
    case notRegularFile(path: String)
    /// The operating system refused access.
    case permissionDenied(path: String)
    /// Refused to replace something that already exists.
    case alreadyExists(path: String)
    /// The file is larger than the caller is willing to read.
    case tooLarge(path: String, limit: Int)
    /// Another process held the lock for longer than the timeout.
    case lockTimeout(path: String, seconds: Double)
    /// Any other failed system call, with its errno.
    case system(path: String, operation: String, errno: Int32)
    /// A file we must rely on (a lock file) is of the wrong type or owner, or too open: another
    /// user could have made it, or could use it against us. `fix` is the command that fixes it.
    case untrustedFile(path: String, reason: String, fix: String)

    public var path: String {
        switch self {
        case .notFound(let path), .isDirectory(let path), .notRegularFile(let path), .permissionDenied(let path),
            .alreadyExists(let path), .tooLarge(let path, _), .lockTimeout(let path, _),
            .system(let path, _, _), .untrustedFile(let path, _, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case .isDirectory(let path): return "\(path): is a directory, not a file"
        case .notRegularFile(let path): return "\(path): not a regular file"
        case .permissionDenied(let path): return "\(path): permission denied"
        case .alreadyExists(let path): return "\(path): already exists, refusing to overwrite"
        case .tooLarge(let path, let limit): return "\(path): larger than the \(limit)-byte limit"
        case .lockTimeout(let path, let seconds):
            return "\(path): still locked by another process after \(seconds) s"
        case .system(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(SystemCall.message(for: errno))"
        case .untrustedFile(let path, let reason, let fix):
            return "\(path): \(reason); run: \(fix)"
        }
    }
}
