#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Temp files that `writeAtomically` or `createExclusively` left next to `location` because
    /// a process died between creating one and renaming (or unlinking) it, and files an
    /// interrupted `overwriteAndRemove` had taken away from the name to overwrite. They hold
    /// whole versions of the file, so whoever clears the file has to clear them too.
    ///
    /// Only meaningful while holding the lock that every writer of the file takes: then none of
    /// them is mid-write. Matches exactly the names those functions make: "." + name + ".tmp-"
    /// or ".wipe-" + 16 lowercase hex digits. A name is only a candidate: anyone who can create
    /// entries in the directory can create that name too; `wipeLeftoverTempFile` decides.
    public static func leftoverTempFiles(besides location: FileLocation) throws(FileError) -> [FileLocation] {
        let prefixes = [TempName.prefix(for: location.name), TempName.wipePrefix(for: location.name)]
        let directoryPath = location.directoryPath
        guard location.directory.isReadable else { throw .permissionDenied(path: directoryPath) }
        let copy = dup(location.directory.descriptor)
        guard copy >= 0 else { throw SystemCall.error("dup", path: directoryPath) }
        guard let directory = fdopendir(copy) else {
            let failure = SystemCall.error("opendir", path: directoryPath)
            SystemCall.close(copy)
            throw failure
        }
        defer { closedir(directory) }
        // A duplicate shares the original's position in the directory: start from the top.
        rewinddir(directory)
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }) else { continue }
            let suffix = name.dropFirst(prefix.count)
            guard suffix.count == TempName.suffixLength, suffix.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { continue }
            found.append(name)
        }
        return found.sorted().map { location.sibling(named: $0) }
    }

    public static func leftoverTempFiles(besides path: String) throws(FileError) -> [String] {
        try leftoverTempFiles(besides: try locate(path)).map(\.path)
    }

    /// Overwrites and removes the candidate leftover at `location` only when it is provably a
    /// dead writer's temp file: a regular file, owned by us, with no other name (link count 1),
    /// that starts with `magic` or holds only the start of it (a writer killed before its bytes
    /// were all written), or that bears the `.wipe-` name an interrupted overwrite gave it
    /// (whatever the overwrite had reached). Anything else is left alone, and that is not an
    /// error: the name may be an unrelated file hard-linked there, or a directory, symbolic link,
    /// FIFO or foreign file that another user planted in a shared sticky directory (to make us
    /// wipe it, or to make every write fail). Returns whether it wiped.
    @discardableResult
    public static func wipeLeftoverTempFile(_ location: FileLocation, startingWith magic: [UInt8]) throws(FileError) -> Bool {
        let opened: OverwritableFile?
        do {
            opened = try openForOverwrite(location)
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
        let interruptedWipe = TempName.isWipeName(location.name)
        guard status.isRegularFile, status.ownerID == getuid(), status.linkCount == 1 else { return false }
        if !interruptedWipe {
            guard try file.starts(with: magic, acceptingShorterFile: true) else { return false }
        }
        // Already away from any name a reader opens: overwritten where it lies.
        try file.overwriteAndRemove()
        return true
    }

    @discardableResult
    public static func wipeLeftoverTempFile(_ path: String, startingWith magic: [UInt8]) throws(FileError) -> Bool {
        try wipeLeftoverTempFile(try locate(path, followingFinalLink: false), startingWith: magic)
    }
}
