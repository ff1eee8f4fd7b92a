#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// `writeAtomically` (same modes), and then the replaced file's bytes are overwritten in place.
    ///
    /// After a rename the old inode has no name left, so `overwriteAndRemove` cannot reach it;
    /// this keeps a descriptor on it across the rename and overwrites it through that. Used when
    /// the old contents must not linger even encrypted: a cleared namespace (the key still opens
    /// the rest) and a rekey (the old key may be the reason for it). A hard link to the old file
    /// sees the overwrite too, which is the point.
    ///
    /// If the replaced file cannot be opened for writing the call fails before anything changes.
    /// If the overwrite itself fails after the rename, the new contents are in place and the
    /// error says the wipe failed.
    public static func writeAtomicallyWipingReplaced(_ bytes: [UInt8], to path: String, mode: UInt32? = nil) throws(FileError) {
        let target = try resolvingSymlink(path)
        let old: Int32?
        do {
            old = try SystemCall.open(target, O_WRONLY | O_NOFOLLOW)
        } catch .notFound {
            old = nil
        }
        defer { if let old { SystemCall.close(old) } }
        let replaced = try old.map { fd throws(FileError) in FileStatus(try SystemCall.fstat(fd, path: path)) }
        if let replaced, !replaced.isRegularFile { throw .isDirectory(path: path) }
        try writeAtomically(bytes, to: target, mode: mode)
        guard let old, let replaced else { return }
        try overwriteInPlace(old, size: replaced.size, path: path)
    }

    /// Random bytes then zeros over the first `size` bytes of an open file, each pass fsynced.
    static func overwriteInPlace(_ fd: Int32, size: Int, path: String) throws(FileError) {
        for randomPass in [true, false] {
            var offset = 0
            var chunk = [UInt8](repeating: 0, count: min(max(size, 1), 64 << 10))
            while offset < size {
                let length = min(chunk.count, size - offset)
                if randomPass {
                    try chunk.withUnsafeMutableBytes { raw in
                        Result { () throws(FileError) in
                            try fillRandom(UnsafeMutableRawBufferPointer(rebasing: raw[0..<length]))
                        }
                    }.get()
                }
                try chunk.withUnsafeBytes { raw in
                    Result { () throws(FileError) in
                        try SystemCall.writeAll(
                            fd, UnsafeRawBufferPointer(rebasing: raw[0..<length]), at: off_t(offset), path: path)
                    }
                }.get()
                offset += length
            }
            try SystemCall.fsync(fd, path: path)
        }
    }

    /// From /dev/urandom in one read per chunk (getrandom(2) is not exported to Swift here, and
    /// SystemRandomNumberGenerator would make a system call per eight bytes).
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        guard let base = buffer.baseAddress else { return }
        let source = try SystemCall.open("/dev/urandom", O_RDONLY)
        defer { SystemCall.close(source) }
        var filled = 0
        while filled < buffer.count {
            let got = Glibc.read(source, base + filled, buffer.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemCall.error("read", path: "/dev/urandom")
            }
            guard got > 0 else { throw .system(path: "/dev/urandom", operation: "read", errno: EIO) }
            filled += got
        }
    }
}
