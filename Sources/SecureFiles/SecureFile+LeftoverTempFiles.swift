#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Temp files that `writeAtomically` or `createExclusively` left next to `path` because a
    /// process died between creating one and renaming (or unlinking) it. They hold whole
    /// versions of the file, so whoever clears the file has to clear them too.
    ///
    /// Only meaningful while holding the lock that every writer of `path` takes: then none of
    /// them is mid-write, and every match is a leftover. Matches exactly the temp names those
    /// functions make: "." + name + ".tmp-" + 16 lowercase hex digits.
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
}
