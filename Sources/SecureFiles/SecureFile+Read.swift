#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// The whole file. Throws `.notFound` when absent, `.isDirectory` for a directory and
    /// `.tooLarge` past `limit`.
    /// The kernel resolves `path` here, symbolic links included: this is for input the user
    /// names on the command line (an import file, `<(cmd)` among them), never for a file that
    /// is written or removed. Those go through `locate`.
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws(FileError) -> [UInt8] {
        let fd = try SystemCall.open(path, O_RDONLY)
        defer { SystemCall.close(fd) }
        let info = try SystemCall.fstat(fd, path: path)
        let status = FileStatus(info)
        if status.isDirectory { throw .isDirectory(path: path) }
        if status.isRegularFile && status.size > limit { throw .tooLarge(path: path, limit: limit) }
        return try SystemCall.readAll(fd, limit: limit, sizeHint: status.size, path: path)
    }

    /// The whole of a regular file, or nil when nothing is at `path`. For the token storages,
    /// whose paths sit in shared places: a FIFO or device planted at the path is refused
    /// (`.notRegularFile`) instead of blocking the reader or feeding it endless data.
    public static func readIfPresent(_ path: String, limit: Int = defaultReadLimit) throws(FileError) -> [UInt8]? {
        guard let file = try openForReading(path) else { return nil }
        return try file.readAll(limit: limit)
    }

    /// Overwrites the array's storage with zeros in a way the optimiser may not remove.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            // explicit_bzero exists precisely so that this store is not elided.
            explicit_bzero(base, raw.count)
        }
    }
}
