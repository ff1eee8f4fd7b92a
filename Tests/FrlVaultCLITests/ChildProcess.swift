#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

/// Pipes are created and marked close-on-exec, and children spawned, one thread at a time:
/// otherwise a child spawned by a parallel test could inherit another test's pipe end in the
/// gap, and that pipe would never see end of file.
let spawnLock = Mutex(())

/// The built `frl-vault` run as a real child process: its own session (so it has no
/// controlling terminal and /dev/tty cannot be opened), an explicit environment, chosen
/// descriptors. A guard kills a child that runs past its deadline and fails the test, so a
/// command that waits for input nobody will type fails instead of hanging the suite.
final class ChildProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Killed by this signal (nil when it exited).
        var signal: Int32?
        var timedOut: Bool
    }

    enum Input {
        case devNull
        case bytes([UInt8])
        /// A file opened read-write (a FIFO then neither blocks the open nor reads as ended
        /// before someone writes to it).
        case file(String)
    }

    /// POSIX_SPAWN_SETSID (glibc, behind _GNU_SOURCE, which Swift does not import).
    private static let posixSpawnSetSID: Int16 = 0x80

    let pid: pid_t
    private let stdoutFD: Int32
    private let stderrFD: Int32

    /// `extraDescriptors`: bytes to offer on inherited pipe descriptors (target fd -> bytes).
    init(
        _ executable: String, _ arguments: [String], environment: [String: String],
        input: Input = .devNull, extraDescriptors: [Int32: [UInt8]] = [:], newSession: Bool = true
    ) {
        (pid, stdoutFD, stderrFD) = spawnLock.withLock { _ in
            Self.spawn(executable, arguments, environment, input, extraDescriptors, newSession)
        }
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], _ environment: [String: String],
        _ input: Input, _ extraDescriptors: [Int32: [UInt8]], _ newSession: Bool
    ) -> (pid_t, Int32, Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var toClose: [Int32] = []

        switch input {
        case .devNull:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .bytes(let bytes):
            let readEnd = pipeOffering(bytes)
            posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
            toClose.append(readEnd)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDWR, 0)
        }
        let out = makePipe(), err = makePipe()
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        for (target, bytes) in extraDescriptors {
            let readEnd = pipeOffering(bytes)
            posix_spawn_file_actions_adddup2(&actions, readEnd, target)
            toClose.append(readEnd)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if newSession { posix_spawnattr_setflags(&attributes, Self.posixSpawnSetSID) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        precondition(result == 0, "posix_spawn \(executable) failed: \(result)")
        close(out.write)
        close(err.write)
        toClose.forEach { close($0) }
        return (child, out.read, err.read)
    }

    func kill(_ signalNumber: Int32 = SIGKILL) { _ = Glibc.kill(pid, signalNumber) }

    /// Collects output until both streams close, then reaps the child. Past `timeout`
    /// seconds the child is killed and `timedOut` is set.
    func wait(timeout: Double = 60) -> Outcome {
        var out: [UInt8] = [], err: [UInt8] = []
        let deadline = Self.monotonicNow() + timeout
        var timedOut = false
        var fds = [pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let remaining = deadline - Self.monotonicNow()
            if remaining <= 0 {
                timedOut = true
                kill()
                break
            }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count <= 0 {
                    close(fds[index].fd)
                    fds[index].fd = -1
                } else if index == 0 {
                    out += buffer[0..<count]
                } else {
                    err += buffer[0..<count]
                }
            }
        }
        for item in fds where item.fd >= 0 { close(item.fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signalNumber = status & 0x7f
        return Outcome(
            status: signalNumber == 0 ? (status >> 8) & 0xff : -1,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self),
            signal: signalNumber == 0 ? nil : signalNumber,
            timedOut: timedOut)
    }

    static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func makePipe() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0)
        // Our copies must not leak into other children spawned concurrently by parallel tests,
        // or a pipe would never see EOF.
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// A pipe already holding `bytes` (small: it must fit the pipe buffer) with its write end
    /// closed, so the reader sees the bytes and then end of file.
    private static func pipeOffering(_ bytes: [UInt8]) -> Int32 {
        let ends = makePipe()
        precondition(bytes.count < 60_000)
        if !bytes.isEmpty { precondition(write(ends.write, bytes, bytes.count) == bytes.count) }
        close(ends.write)
        return ends.read
    }
}
