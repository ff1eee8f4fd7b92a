#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Replaces `path` with `bytes` so that a reader, or a crash at any instant, sees either the
    /// old file or the new one, never a mix.
    ///
    /// The temp file is born private (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600) in the same
    /// directory, so the rename cannot cross file systems and no other user ever sees the bytes
    /// through a looser mode. `mode` wins; else an existing file keeps its mode; else 0600. The
    /// mode is set with fchmod on our own descriptor, so the umask cannot loosen it.
    /// A symbolic link at `path` is followed: its target is replaced and the link survives.
    public static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String, mode: UInt32? = nil) throws(FileError) {
        let target = try resolvingSymlink(path)
        let existing = try status(of: target)
        if existing?.isDirectory == true { throw .isDirectory(path: path) }
        let finalMode = mode ?? existing?.mode ?? 0o600
        let parts = PathParts(target)
        let temp = try writeTempFile(bytes, besides: parts, mode: finalMode, reportingAs: path)
        guard rename(temp, target) == 0 else {
            let failure = SystemCall.error("rename", path: path)
            unlink(temp)
            throw failure
        }
        try SystemCall.fsyncDirectory(parts.directory)
    }

    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32? = nil) throws(FileError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) in try writeAtomically(raw, to: path, mode: mode) }
        }.get()
    }

    /// Writes a new file at `path` and refuses, with `.alreadyExists`, if anything is there
    /// already. link(2) publishes the complete file in one step and fails if the name is taken,
    /// so neither a partial file nor a replaced one can result.
    public static func createExclusively(_ bytes: UnsafeRawBufferPointer, at path: String, mode: UInt32 = 0o600) throws(FileError) {
        let parts = PathParts(path)
        let temp = try writeTempFile(bytes, besides: parts, mode: mode, reportingAs: path)
        defer { unlink(temp) }
        guard link(temp, path) == 0 else {
            throw SystemCall.error("link", path: path)
        }
        try SystemCall.fsyncDirectory(parts.directory)
    }

    public static func createExclusively(_ bytes: [UInt8], at path: String, mode: UInt32 = 0o600) throws(FileError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(FileError) in try createExclusively(raw, at: path, mode: mode) }
        }.get()
    }

    /// Removes `path` and makes the removal durable. Nothing there is not an error.
    public static func remove(_ path: String) throws(FileError) {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return }
            throw SystemCall.error("unlink", path: path)
        }
        try SystemCall.fsyncDirectory(PathParts(path).directory)
    }

    /// Writes and fsyncs a private temp file next to the destination; returns its path.
    private static func writeTempFile(
        _ bytes: UnsafeRawBufferPointer, besides parts: PathParts, mode: UInt32, reportingAs path: String
    ) throws(FileError) -> String {
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<8 {
            temp = parts.directory + "/" + TempName.prefix(for: parts.name) + randomSuffix()
            do {
                fd = try SystemCall.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
                break
            } catch .alreadyExists {
                continue
            } catch .notFound {
                throw .notFound(path: path)
            } catch .permissionDenied {
                throw .permissionDenied(path: path)
            }
        }
        guard fd >= 0 else { throw .alreadyExists(path: temp) }
        do throws(FileError) {
            guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemCall.error("fchmod", path: path) }
            try SystemCall.writeAll(fd, bytes, path: path)
            try SystemCall.fsync(fd, path: path)
        } catch {
            SystemCall.close(fd)
            unlink(temp)
            throw error
        }
        SystemCall.close(fd)
        return temp
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: TempName.suffixLength - hex.count) + hex
    }

    /// The file a symbolic link points to (fully resolved), or `path` itself when it is not a
    /// link or does not exist yet.
    static func resolvingSymlink(_ path: String) throws(FileError) -> String {
        guard let link = try status(of: path, followingSymlinks: false), link.isSymbolicLink else {
            return path
        }
        guard let resolved = realpath(path, nil) else {
            throw SystemCall.error("realpath", path: path)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
