#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Overwrites every byte of the file in place (same inode: random bytes, then zeros, each
    /// pass fsynced), then unlinks it and fsyncs the directory. Nothing there is not an error. A
    /// read-only file of ours (0444, 0400) is overwritten too: see `OverwritableFile`.
    ///
    /// This defeats recovery from the file system's view of the inode: an undelete, a stale
    /// hard link, a reader holding the old name. It cannot reach copies the storage layer made
    /// elsewhere (SSD remapping, copy-on-write, snapshots, backups, an NFS server's cache);
    /// see SECURITY.md.
    ///
    /// Only a regular file of ours with no other name is overwritten (`checkSafeToWipe`).
    public static func overwriteAndRemove(_ path: String) throws(FileError) {
        guard let file = try openForOverwrite(path) else { return }
        defer { file.close() }
        try file.checkSafeToWipe()
        try file.overwriteAndRemove()
    }

    /// Everything `overwriteAndRemove` at `path` will need, checked and taken now, so that a
    /// command can refuse before it does anything else: the file is there, is a regular file of
    /// ours with no other name, is open for writing, and its directory lets us remove it.
    /// Call `overwriteAndRemove()` on the result later.
    public static func prepareOverwriteAndRemove(_ path: String) throws(FileError) -> OverwritableFile {
        guard let file = try openForOverwrite(path) else { throw .notFound(path: path) }
        do throws(FileError) {
            try file.checkSafeToWipe()
            try file.prepareToOverwrite()
            // AT_EACCESS (0x200): asked as the effective user, who will unlink.
            guard faccessat(file.location.directory.descriptor, ".", W_OK | X_OK, 0x200) == 0 else {
                throw SystemCall.error("unlink", path: path)
            }
            // The removal is made durable with an fsync of the directory, which needs it open.
            guard file.location.directory.isReadable else { throw .permissionDenied(path: file.location.directoryPath) }
        } catch {
            file.close()
            throw error
        }
        return file
    }
}
