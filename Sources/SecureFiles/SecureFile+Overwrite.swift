#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Overwrites every byte of the file in place (same inode: random bytes, then zeros, each
    /// pass fsynced), then unlinks it and fsyncs the directory. Nothing there is not an error.
    ///
    /// This defeats recovery from the file system's view of the inode: an undelete, a stale
    /// hard link, a reader holding the old name. It cannot reach copies the storage layer made
    /// elsewhere (SSD remapping, copy-on-write, snapshots, backups, an NFS server's cache);
    /// see SECURITY.md.
    public static func overwriteAndRemove(_ path: String) throws(FileError) {
        let fd: Int32
        do {
            fd = try SystemCall.open(path, O_WRONLY | O_NOFOLLOW)
        } catch .notFound {
            return
        }
        do throws(FileError) {
            let info = FileStatus(try SystemCall.fstat(fd, path: path))
            guard info.isRegularFile else { throw FileError.isDirectory(path: path) }
            try overwrite(fd, size: info.size, path: path, with: .random)
            try overwrite(fd, size: info.size, path: path, with: .zeros)
        } catch {
            SystemCall.close(fd)
            throw error
        }
        SystemCall.close(fd)
        try remove(path)
    }

    private enum Pattern { case random, zeros }

    private static func overwrite(_ fd: Int32, size: Int, path: String, with pattern: Pattern) throws(FileError) {
        let chunkSize = 64 << 10
        var chunk = [UInt8](repeating: 0, count: min(max(size, 1), chunkSize))
        var offset = 0
        while offset < size {
            let length = min(chunk.count, size - offset)
            if pattern == .random {
                try fillRandom(&chunk, count: length, path: path)
            }
            try chunk.withUnsafeBytes { raw in
                Result { () throws(FileError) in
                    try SystemCall.writeAll(fd, UnsafeRawBufferPointer(rebasing: raw[0..<length]), at: off_t(offset), path: path)
                }
            }.get()
            offset += length
        }
        try SystemCall.fsync(fd, path: path)
    }

    /// Random bytes from the kernel (one read per chunk; SystemRandomNumberGenerator would make
    /// a system call per eight bytes).
    private static func fillRandom(_ chunk: inout [UInt8], count: Int, path: String) throws(FileError) {
        let source = try SystemCall.open("/dev/urandom", O_RDONLY)
        defer { SystemCall.close(source) }
        var filled = 0
        while filled < count {
            let got = chunk.withUnsafeMutableBytes { raw in
                Glibc.read(source, raw.baseAddress! + filled, count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemCall.error("read", path: "/dev/urandom")
            }
            guard got > 0 else { throw .system(path: "/dev/urandom", operation: "read", errno: EIO) }
            filled += got
        }
    }
}
