#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says about a path, in the terms our permission checks need.
public struct FileStatus: Sendable, Equatable {
    public var ownerID: UInt32
    /// Permission bits only (`st_mode & 0o7777`).
    public var mode: UInt32
    public var isRegularFile: Bool
    public var isDirectory: Bool
    public var isSymbolicLink: Bool
    public var size: Int
    public var inode: UInt64
    public var device: UInt64
    public var linkCount: Int

    init(_ info: stat) {
        ownerID = info.st_uid
        mode = UInt32(info.st_mode) & 0o7777
        let kind = UInt32(info.st_mode) & UInt32(S_IFMT)
        isRegularFile = kind == UInt32(S_IFREG)
        isDirectory = kind == UInt32(S_IFDIR)
        isSymbolicLink = kind == UInt32(S_IFLNK)
        size = Int(info.st_size)
        inode = UInt64(info.st_ino)
        device = UInt64(info.st_dev)
        linkCount = Int(info.st_nlink)
    }

    /// Group or other may write.
    public var isWritableByOthers: Bool { mode & 0o022 != 0 }
    /// Group or other may read.
    public var isReadableByOthers: Bool { mode & 0o044 != 0 }
    /// The sticky bit: others may create entries but not remove or rename ours (as in /tmp).
    public var isSticky: Bool { mode & 0o1000 != 0 }
}

extension SecureFile {
    /// The status of `path`, or nil if nothing is there. Follows symbolic links unless told not to.
    public static func status(of path: String, followingSymlinks: Bool = true) throws(FileError) -> FileStatus? {
        var info = stat()
        let result = followingSymlinks ? stat(path, &info) : lstat(path, &info)
        if result == 0 { return FileStatus(info) }
        if errno == ENOENT { return nil }
        throw SystemCall.error("stat", path: path)
    }

    /// The real user ID of this process, for ownership checks.
    public static var currentUserID: UInt32 { getuid() }
}
