#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// An exclusive lock on a sidecar file, held by this object until `release()` or deinit.
///
/// Linux open-file-description (OFD) record locks, because: they belong to the open file, so two
/// locks taken in one process exclude each other (classic POSIX locks would not, and would be
/// dropped when any descriptor of the file is closed); they vanish with the process, so a killed
/// writer never leaves a stale lock; and the NFS client forwards them to the server's lock
/// manager, so they hold across machines sharing a home directory. A lock file, not the vault,
/// is locked, because the vault's inode is replaced on every write.
public final class FileLock: Sendable {
    // F_OFD_SETLK from <fcntl.h>; Swift's Glibc module does not export the _GNU_SOURCE names.
    private static let setLockNonBlocking: Int32 = 37

    private let descriptor: Mutex<Int32>
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = Mutex(descriptor)
        self.path = path
    }

    /// Waits up to `timeoutSeconds` for the lock, creating the lock file (0600) if needed.
    ///
    /// An existing lock file must be a regular file of ours that nobody else can open: in a
    /// shared sticky directory such as /tmp another user could otherwise create the name first
    /// and hold its lock forever, or make it a FIFO. Such a file is refused (`untrustedFile`)
    /// rather than waited on.
    public static func acquire(_ lock: FileLocation, timeoutSeconds: Double) throws(FileError) -> FileLock {
        let lockPath = lock.path
        // O_NONBLOCK: a FIFO at the name must not hang the open; it changes nothing for files.
        let fd: Int32
        do {
            fd = try lock.open(O_RDWR | O_CREAT | O_NONBLOCK, mode: 0o600)
        } catch {
            // A directory, a symbolic link or a socket: say so, as for the other kinds of non-file.
            switch error {
            case .isDirectory, .permissionDenied, .notRegularFile, .system(_, _, ELOOP):
                if let planted = try lock.status() {
                    try checkTrusted(planted, path: lockPath)
                }
            default:
                break
            }
            throw error
        }
        do {
            try checkTrusted(FileStatus(try SystemCall.fstat(fd, path: lockPath)), path: lockPath)
        } catch {
            SystemCall.close(fd)
            throw error
        }
        let deadline = monotonicSeconds() + max(timeoutSeconds, 0)
        var pause: UInt32 = 1_000
        while true {
            var request = flock()
            request.l_type = Int16(F_WRLCK)
            request.l_whence = Int16(SEEK_SET)
            request.l_start = 0
            request.l_len = 0
            request.l_pid = 0
            if fcntl(fd, setLockNonBlocking, &request) == 0 {
                return FileLock(descriptor: fd, path: lockPath)
            }
            let code = errno
            guard code == EAGAIN || code == EACCES || code == EINTR else {
                SystemCall.close(fd)
                throw SystemCall.error("fcntl(F_OFD_SETLK)", path: lockPath, errno: code)
            }
            if monotonicSeconds() >= deadline {
                SystemCall.close(fd)
                throw .lockTimeout(path: lockPath, seconds: timeoutSeconds)
            }
            // Back off up to 50 ms: short waits stay snappy, long ones do not spin a core.
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Ours (the real or effective user, which creates it) and private. A file of another user,
    /// even root, is refused: we cannot know who holds it open. `fix` is a command.
    private static func checkTrusted(_ status: FileStatus, path: String) throws(FileError) {
        let quotedPath = ShellQuoting.quoted(path)
        let mine = status.ownerID == getuid() || status.ownerID == geteuid()
        let remove = (mine ? "" : "sudo ") + (status.isDirectory ? "rmdir " : "rm ") + quotedPath
        guard status.isRegularFile else {
            let kind = status.isDirectory ? "a directory"
                : status.isSymbolicLink ? "a symbolic link" : "not a regular file (a FIFO, socket or device)"
            throw .untrustedFile(path: path, reason: "the lock file is \(kind)", fix: remove)
        }
        guard mine else {
            throw .untrustedFile(
                path: path,
                reason: "the lock file is owned by another user (uid \(status.ownerID)), who could hold the lock forever",
                fix: remove)
        }
        guard status.mode & 0o066 == 0 else {
            let digits = String(status.mode, radix: 8)
            throw .untrustedFile(
                path: path,
                reason: "the lock file can be opened by other users (mode \(String(repeating: "0", count: max(0, 4 - digits.count)) + digits))",
                fix: "chmod 600 \(quotedPath)")
        }
    }

    /// `acquire` on the lock file at `lockPath`, whose last component is never followed.
    public static func acquire(_ lockPath: String, timeoutSeconds: Double) throws(FileError) -> FileLock {
        try acquire(try SecureFile.locate(lockPath, followingFinalLink: false), timeoutSeconds: timeoutSeconds)
    }

    /// Releases the lock; calling it again does nothing.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            // Closing the only descriptor of an OFD lock releases it.
            SystemCall.close(fd)
            fd = -1
        }
    }

    deinit { release() }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
