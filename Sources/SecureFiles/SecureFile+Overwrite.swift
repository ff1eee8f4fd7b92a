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
            guard info.isRegularFile else {
                throw info.isDirectory ? FileError.isDirectory(path: path) : .notRegularFile(path: path)
            }
            try overwriteInPlace(fd, size: info.size, path: path)
        } catch {
            SystemCall.close(fd)
            throw error
        }
        SystemCall.close(fd)
        try remove(path)
    }
}
