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

extension SecureFile {
    /// A file the user names as input on the command line (an import file), read whole up to
    /// `limit`. The kernel resolves `path` (see `read`). A regular file is read as usual; an
    /// anonymous pipe (what `<(cmd)` or `/dev/stdin` passes) is read to its end, up to `limit`;
    /// anything else (a named FIFO, which with no writer would block for good, a socket, a
    /// device) is refused with `notRegularFile` before a byte is read.
    public static func readInput(_ path: String, limit: Int = defaultReadLimit) throws(FileError) -> [UInt8] {
        let fd = try SystemCall.open(path, O_RDONLY | O_NONBLOCK)
        defer { SystemCall.close(fd) }
        let status = FileStatus(try SystemCall.fstat(fd, path: path))
        if status.isDirectory { throw .isDirectory(path: path) }
        if status.isRegularFile {
            if status.size > limit { throw .tooLarge(path: path, limit: limit) }
            return try SystemCall.readAll(fd, limit: limit, sizeHint: status.size, path: path)
        }
        guard isAnonymousPipe(fd) else { throw .notRegularFile(path: path) }
        // The writer is a live process of the user's; wait for what it writes.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return try SystemCall.readAll(fd, limit: limit, sizeHint: 64 << 10, path: path)
    }

    /// A pipe with no name in any file system: the kernel names it "pipe:[inode]" in /proc.
    private static func isAnonymousPipe(_ fd: Int32) -> Bool {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBufferPointer { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return readlink("/proc/self/fd/\(fd)", base, raw.count - 1)
        }
        guard count > 0 else { return false }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self).hasPrefix("pipe:[")
    }
}
