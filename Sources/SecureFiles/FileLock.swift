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
    public static func acquire(_ lockPath: String, timeoutSeconds: Double) throws(FileError) -> FileLock {
        let fd = try SystemCall.open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW, mode: 0o600)
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
