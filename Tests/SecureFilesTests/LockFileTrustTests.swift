import Glibc
import Testing
@testable import SecureFiles

/// In a sticky shared directory (/tmp) another user can create `<vault>.lock` before us. Waiting
/// on their file would let them hold the lock forever, so such a file is refused at once.
@Suite("Lock file trust")
struct LockFileTrustTests {
    @Test("a lock file owned by another user is refused, naming the file and the fix")
    func otherUsersLockFileIsRefused() throws {
        // Only root can give a file away; as a user the refusal is the same code path.
        guard getuid() == 0 else { return }
        let dir = try TemporaryDirectory()
        let lockPath = dir.file("vault.lock")
        #expect(creat(lockPath, 0o600) >= 0)
        #expect(chown(lockPath, 12345, 12345) == 0)
        do {
            let lock = try FileLock.acquire(lockPath, timeoutSeconds: 0.05)
            lock.release()
            Issue.record("another user's lock file was accepted")
        } catch {
            #expect(error == .untrustedFile(
                path: lockPath, reason: "the lock file is owned by another user (uid 12345), who could hold the lock forever",
                fix: "sudo rm \(lockPath)"))
            #expect(error.description.hasPrefix("\(lockPath): "))
        }
    }

    @Test("a directory, a FIFO or a socket at the lock file's name is refused without hanging", .timeLimit(.minutes(1)))
    func nonFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let lockPath = dir.file("vault.lock")
        for (make, remove) in [
            ({ mkdir(lockPath, 0o700) }, "rmdir \(lockPath)"),
            ({ mkfifo(lockPath, 0o600) }, "rm \(lockPath)"),
            ({ bindSocket(at: lockPath) }, "rm \(lockPath)"),
        ] as [(() -> Int32, String)] {
            #expect(make() == 0)
            #expect {
                _ = try FileLock.acquire(lockPath, timeoutSeconds: 0.05)
            } throws: { error in
                guard case .untrustedFile(lockPath, let reason, let fix)? = error as? FileError else { return false }
                return reason.hasPrefix("the lock file is ") && fix == remove
            }
            _ = rmdir(lockPath)
            _ = unlink(lockPath)
        }
    }

    @Test("a lock file of ours that others may open is refused with the chmod that fixes it")
    func looseLockFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let lockPath = dir.file("vault.lock")
        #expect(creat(lockPath, 0o600) >= 0)
        #expect(chmod(lockPath, 0o644) == 0)
        #expect(throws: FileError.untrustedFile(
            path: lockPath, reason: "the lock file can be opened by other users (mode 0644)", fix: "chmod 600 \(lockPath)")) {
            _ = try FileLock.acquire(lockPath, timeoutSeconds: 0.05)
        }
        #expect(chmod(lockPath, 0o600) == 0)
        try FileLock.acquire(lockPath, timeoutSeconds: 0.05).release()
    }
}
