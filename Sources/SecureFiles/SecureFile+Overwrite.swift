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
}
