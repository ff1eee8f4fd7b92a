extension SecureFile {
    /// The file a write to `path` really replaces: the target when `path` is a symbolic link (as
    /// `writeAtomically` resolves it), else `path` itself. Sidecar files (locks) belong next to
    /// it, so that every name for one vault shares one lock.
    public static func writeTarget(of path: String) throws(FileError) -> String {
        try resolvingSymlink(path)
    }

    /// The directory in which a write to `path` creates its temp file and renames.
    public static func directory(writtenBy path: String) throws(FileError) -> String {
        PathParts(try resolvingSymlink(path)).directory
    }
}
