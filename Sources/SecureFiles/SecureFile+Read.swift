#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// The whole file. Throws `.notFound` when absent, `.isDirectory` for a directory and
    /// `.tooLarge` past `limit`.
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws(FileError) -> [UInt8] {
        let fd = try SystemCall.open(path, O_RDONLY)
        defer { SystemCall.close(fd) }
        let info = try SystemCall.fstat(fd, path: path)
        let status = FileStatus(info)
        if status.isDirectory { throw .isDirectory(path: path) }
        if status.isRegularFile && status.size > limit { throw .tooLarge(path: path, limit: limit) }
        return try SystemCall.readAll(fd, limit: limit, sizeHint: status.size, path: path)
    }

    /// The whole file, or nil when nothing is at `path`.
    public static func readIfPresent(_ path: String, limit: Int = defaultReadLimit) throws(FileError) -> [UInt8]? {
        do {
            return try read(path, limit: limit)
        } catch .notFound {
            return nil
        }
    }

    /// Lends the file's bytes to `body`, then zeroes the scratch buffer, so a keyfile or a
    /// passphrase file leaves no copy behind in freed heap memory.
    public static func withContents<R>(
        of path: String, limit: Int, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        var bytes = try read(path, limit: limit)
        defer { wipe(&bytes) }
        return try bytes.withUnsafeBytes { try body($0) }
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
