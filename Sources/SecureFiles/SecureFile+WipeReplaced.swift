#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension SecureFile {
    /// `writeAtomically` (same modes), and then the replaced file's bytes are overwritten in place.
    ///
    /// After a rename the old inode has no name left, so `overwriteAndRemove` cannot reach it;
    /// this keeps a descriptor on it across the rename and overwrites it through that. Used when
    /// the old contents must not linger even encrypted: a cleared namespace (the key still opens
    /// the rest), a rekey (the old key may be the reason for it) and a forced re-creation. A hard
    /// link to the old file sees the overwrite too, which is the point. A read-only file of ours
    /// is overwritten as well (see `OverwritableFile`); the new file gets its original mode.
    ///
    /// With `onlyIfStartingWith`, a replaced file that is not a regular file starting with those
    /// bytes is replaced without the overwrite (it is not ours to wipe); without it, anything but
    /// a regular file is refused. A directory is always refused. A file that has other names or
    /// another owner (`checkSafeToWipe`) is refused, or with `wipingOnlyIfSafe` replaced
    /// without the overwrite.
    ///
    /// If the replaced file cannot be opened for writing the call fails before anything changes.
    /// `replaced` runs right after the rename, before the overwrite: if the overwrite then fails,
    /// the new contents are in place and the caller knows it from having been called.
    public static func writeAtomicallyWipingReplaced(
        _ bytes: [UInt8], to location: FileLocation, mode: UInt32? = nil, onlyIfStartingWith magic: [UInt8]? = nil,
        wipingOnlyIfSafe: Bool = false, replaced: () -> Void = {}
    ) throws(FileError) {
        var old = try openForOverwrite(location)
        defer { old?.close() }
        if let file = old {
            if file.status.isDirectory { throw .isDirectory(path: location.path) }
            if let magic, !(try file.starts(with: magic)) {
                file.close()
                old = nil
            } else {
                // Before anything changes: a file shared with another name, or not ours, is
                // refused rather than replaced and then overwritten.
                do {
                    try file.checkSafeToWipe()
                    try file.prepareToOverwrite()
                } catch .untrustedFile where wipingOnlyIfSafe {
                    file.close()
                    old = nil
                }
            }
        }
        // The mode seen before `prepareToOverwrite` lent the owner a write bit.
        try writeAtomically(bytes, to: location, mode: mode ?? old?.status.mode)
        replaced()
        try old?.overwrite()
    }

    /// Test seam: in-place overwrites of these paths fail with EIO, as a failing disk would. A
    /// failure after the rename is the one outcome of a wipe that a test cannot provoke for real.
    static let failingOverwrites = Mutex<Set<String>>([])

    /// Random bytes then zeros over the first `size` bytes of an open file, each pass fsynced.
    static func overwriteInPlace(_ fd: Int32, size: Int, path: String) throws(FileError) {
        if failingOverwrites.withLock({ $0.contains(path) }) {
            throw .system(path: path, operation: "write", errno: EIO)
        }
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
