#if canImport(Glibc)
import Glibc
#endif

extension SecureFile {
    /// Symbolic links followed in one resolution before giving up, as the kernel's own limit.
    static let maximumLinksFollowed = 40

    /// Resolves `path` to the directory that holds its last component, one component at a time
    /// (the way systemd's `chase()` and Go's `os.Root` do), so that no symbolic link is ever
    /// followed by the kernel on our behalf: each component is opened with `O_PATH|O_NOFOLLOW`,
    /// and a link met on the way, the last component included, is followed only when it belongs
    /// to us or to root (`untrustedFile` otherwise, changing nothing). Another user who can
    /// write a directory on the path, a sticky one such as /tmp included, can therefore not
    /// steer a write, an overwrite or an unlink to a file of ours elsewhere, whatever
    /// `fs.protected_symlinks` says. Magic links (/proc/self/fd/N) are links like any other
    /// here: their text is resolved as a path, never the kernel's jump.
    ///
    /// The last component need not exist. With `followingFinalLink` false a link there is the
    /// location itself (to remove it, or to refuse it). A last component that is a directory
    /// is a location like any other (opening it for a file's work fails with `isDirectory`);
    /// a path that names no last component at all ("/", "..") is refused with `isDirectory`.
    public static func locate(_ path: String, followingFinalLink: Bool = true) throws(FileError) -> FileLocation {
        guard !path.isEmpty else { throw .notFound(path: path) }
        var current = try startingDirectory(absolute: path.hasPrefix("/"), path: path)
        var pending = components(of: path).reversed() as [Substring]
        var linksFollowed = 0
        var namedLink: FileLocation?
        var shownPath = path
        while let component = pending.popLast() {
            let isLast = pending.isEmpty
            // ".." names a directory, never a file in one.
            if isLast && component == ".." { throw .isDirectory(path: shownPath) }
            let fd: Int32
            do {
                fd = try SystemCall.openat(current.descriptor, String(component), SystemCall.pathOnly | O_NOFOLLOW, path: path)
            } catch .notFound where isLast {
                return FileLocation(directory: try readable(current), name: String(component), path: shownPath, link: namedLink)
            }
            let info: stat
            do { info = try SystemCall.fstat(fd, path: path) } catch {
                SystemCall.close(fd)
                throw error
            }
            switch FileStatus(info) {
            case let status where status.isSymbolicLink:
                defer { SystemCall.close(fd) }
                if isLast && !followingFinalLink {
                    return FileLocation(directory: try readable(current), name: String(component), path: shownPath, link: namedLink)
                }
                try checkMayFollow(status, link: isLast ? shownPath : path)
                linksFollowed += 1
                guard linksFollowed <= maximumLinksFollowed else {
                    throw .system(path: path, operation: "open (too many symbolic links)", errno: ELOOP)
                }
                let target = try readLink(fd, path: path)
                if isMagicLinkToNonFile(target) {
                    // /proc/self/fd/N of a pipe or socket (what `<(cmd)` passes): no path to
                    // follow, and not a file.
                    guard isLast else { throw .notFound(path: path) }
                    throw .notRegularFile(path: path)
                }
                if isLast {
                    if namedLink == nil {
                        namedLink = FileLocation(directory: try readable(current), name: String(component), path: shownPath)
                    }
                    shownPath = target.hasPrefix("/") ? target : current.path(of: target)
                }
                if target.hasPrefix("/") {
                    current = try startingDirectory(absolute: true, path: path)
                }
                let targetComponents = components(of: target)
                guard !targetComponents.isEmpty else { throw .isDirectory(path: path) }
                pending.append(contentsOf: targetComponents.reversed())
            case let status where status.isDirectory && !isLast:
                current = DirectoryHandle(
                    descriptor: fd, path: component == ".." ? parentPath(of: current.path) : current.path(of: String(component)),
                    isReadable: false)
            default:
                SystemCall.close(fd)
                guard isLast else { throw .notFound(path: path) }
                return FileLocation(directory: try readable(current), name: String(component), path: shownPath, link: namedLink)
            }
        }
        // Only "/" or components that all went up or stayed ("." and ".."): a directory.
        throw .isDirectory(path: path)
    }

    /// A link is followed only when its owner is us or root: only they can have chosen where it
    /// points. This is stricter than the kernel's `protected_symlinks`, which in a sticky
    /// world-writable directory also trusts the directory's owner and elsewhere trusts everyone.
    /// A link with a second name is refused too: where `fs.protected_hardlinks` is 0, another
    /// user can hard-link a symbolic link of ours (or root's) into a directory of theirs, and
    /// it keeps its owner there.
    private static func checkMayFollow(_ link: FileStatus, link path: String) throws(FileError) {
        let trusted = link.ownerID == 0 || link.ownerID == getuid() || link.ownerID == geteuid()
        if trusted && link.linkCount == 1 { return }
        guard trusted else {
            throw .untrustedFile(
                path: path,
                reason: "a symbolic link owned by another user (uid \(link.ownerID)) is never followed: it could point anywhere, at your own files too",
                fix: "sudo rm \(ShellQuoting.quoted(path))")
        }
        throw .untrustedFile(
            path: path,
            reason: "a symbolic link with \(link.linkCount) names (hard links) is never followed: another user may have linked it here",
            fix: "sudo rm \(ShellQuoting.quoted(path))")
    }

    private static func readLink(_ fd: Int32, path: String) throws(FileError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { raw in
            guard let base = raw.baseAddress else { return -1 }
            return readlinkat(fd, "", base, raw.count - 1)
        }
        guard count >= 0 else { throw SystemCall.error("readlink", path: path) }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The text the kernel gives a /proc fd link to an object with no path: "pipe:[123]",
    /// "socket:[456]", "anon_inode:[eventfd]".
    private static func isMagicLinkToNonFile(_ target: String) -> Bool {
        !target.hasPrefix("/") && (target.contains(":[") || target.hasPrefix("anon_inode:"))
    }

    private static func startingDirectory(absolute: Bool, path: String) throws(FileError) -> DirectoryHandle {
        let start = absolute ? "/" : "."
        let fd = try SystemCall.openat(AT_FDCWD, start, SystemCall.pathOnly | O_DIRECTORY, path: path)
        return DirectoryHandle(descriptor: fd, path: absolute ? "/" : ".", isReadable: false)
    }

    /// The directory that will hold the location, opened for reading (a scan and an fsync need
    /// it); a directory we may search but not read stays path-only.
    private static func readable(_ directory: DirectoryHandle) throws(FileError) -> DirectoryHandle {
        do {
            let fd = try SystemCall.openat(directory.descriptor, ".", O_RDONLY | O_DIRECTORY, path: directory.path)
            return DirectoryHandle(descriptor: fd, path: directory.path, isReadable: true)
        } catch .permissionDenied {
            return directory
        }
    }

    private static func components(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }

    private static func parentPath(of path: String) -> String {
        if path == "/" { return "/" }
        if path == "." || path.hasSuffix("/..") || path == ".." { return path + "/.." }
        return PathParts(path).directory
    }
}
