#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Temp files that `writeAtomically` or `createExclusively` left next to `path` because a
    /// process died between creating one and renaming (or unlinking) it. They hold whole
    /// versions of the file, so whoever clears the file has to clear them too.
    ///
    /// Only meaningful while holding the lock that every writer of `path` takes: then none of
    /// them is mid-write. Matches exactly the temp names those functions make: "." + name +
    /// ".tmp-" + 16 lowercase hex digits. A name is only a candidate: anyone who can create
    /// entries in the directory can create that name too; `wipeLeftoverTempFile` decides.
    public static func leftoverTempFiles(besides path: String) throws(FileError) -> [String] {
        let parts = PathParts(try resolvingSymlink(path))
        let prefix = TempName.prefix(for: parts.name)
        guard let directory = opendir(parts.directory) else {
            throw SystemCall.error("opendir", path: parts.directory)
        }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix(prefix) else { continue }
            let suffix = name.dropFirst(prefix.count)
            guard suffix.count == TempName.suffixLength, suffix.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { continue }
            found.append(parts.directory + "/" + name)
        }
        return found.sorted()
    }

    /// Overwrites and removes the candidate leftover at `path` only when it is provably a dead
    /// writer's temp file: a regular file, owned by us, with no other name (link count 1), that
    /// starts with `magic` or holds only the start of it (a writer killed before its bytes were
    /// all written). Anything else is left alone, and that is not an error: the name may be an
    /// unrelated file hard-linked there, or a directory, symbolic link, FIFO or foreign file that
    /// another user planted in a shared sticky directory (to make us wipe it, or to make every
    /// write fail). Returns whether it wiped.
    @discardableResult
    public static func wipeLeftoverTempFile(_ path: String, startingWith magic: [UInt8]) throws(FileError) -> Bool {
        let opened: OverwritableFile?
        do {
            opened = try openForOverwrite(path)
        } catch {
            switch error {
            case .permissionDenied, .isDirectory, .notRegularFile:
                return false
            case .system(_, _, let code) where code == ELOOP || code == ENXIO:
                // A symbolic link (O_NOFOLLOW) or a socket.
                return false
            default:
                throw error
            }
        }
        guard let file = opened else { return false }
        defer { file.close() }
        let status = file.status
        guard status.isRegularFile, status.ownerID == getuid(), status.linkCount == 1,
            try file.starts(with: magic, acceptingShorterFile: true)
        else { return false }
        try file.overwriteAndRemove()
        return true
    }
}
