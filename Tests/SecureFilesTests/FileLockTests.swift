import Glibc
import Testing
@testable import SecureFiles

@Suite("File locks")
struct FileLockTests {
    @Test("a second lock in the same process waits, then times out with a clear error")
    func exclusiveWithinProcess() throws {
        let dir = try TemporaryDirectory()
        let lockPath = dir.file("vault.lock")
        let first = try FileLock.acquire(lockPath, timeoutSeconds: 1)
        #expect(mode(of: lockPath) == 0o600)
        #expect(throws: FileError.lockTimeout(path: lockPath, seconds: 0.05)) {
            _ = try FileLock.acquire(lockPath, timeoutSeconds: 0.05)
        }
        first.release()
        let second = try FileLock.acquire(lockPath, timeoutSeconds: 0.05)
        second.release()
        second.release()
    }

    @Test("a lock held by a killed process is free at once")
    func dyingHolderReleases() throws {
        let dir = try TemporaryDirectory()
        let lockPath = dir.file("vault.lock")
        // flock(1) would take a different kind of lock; a python child takes an OFD lock like ours.
        let script = """
            import fcntl, os, struct, sys, time
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.fcntl(fd, 37, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))
            print('locked', flush=True)
            time.sleep(30)
            """
        let child = try ChildProcess(["/usr/bin/env", "python3", "-c", script, lockPath])
        #expect(child.readLine() == "locked")
        #expect(throws: FileError.lockTimeout(path: lockPath, seconds: 0.1)) {
            _ = try FileLock.acquire(lockPath, timeoutSeconds: 0.1)
        }
        child.kill()
        let lock = try FileLock.acquire(lockPath, timeoutSeconds: 2)
        lock.release()
    }
}

/// A child process whose stdout we can read line by line.
final class ChildProcess {
    let pid: pid_t
    private let output: UnsafeMutablePointer<FILE>

    init(_ arguments: [String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw TestSetupError.mkdtemp(errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, nil, &cArguments, environ)
        close(pipeEnds[1])
        guard result == 0, let stream = fdopen(pipeEnds[0], "r") else { throw TestSetupError.mkdtemp(result) }
        pid = child
        output = stream
    }

    func readLine() -> String? {
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        guard getline(&line, &capacity, output) > 0, let line else { return nil }
        return String(cString: line).trimmingSuffix("\n")
    }

    func kill() {
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit {
        fclose(output)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
