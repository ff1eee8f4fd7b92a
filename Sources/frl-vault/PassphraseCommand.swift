#if canImport(Glibc)
import Glibc
#endif
internal import VaultCrypto

/// Runs a password manager (or any program) and takes the first line it prints as the
/// passphrase. No shell is involved: the command line is split on blanks, the first word is
/// looked up in PATH, and no quoting, globbing or expansion happens. A word that contains
/// blanks needs a small wrapper script.
enum PassphraseCommand {
    /// What the command prints past its first line is read and wiped (so it never blocks on a
    /// full pipe), up to this much; then the pipe is closed.
    private static let drainLimit = 1 << 20

    static func words(of commandLine: String) -> [String] {
        commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    }

    static func run(_ commandLine: String, origin: String) throws(CLIError) -> SecureBytes {
        let argv = words(of: commandLine)
        guard let program = argv.first else { throw .emptyPassphraseCommand(origin: origin) }
        let name = "passphrase command '\(program)'"

        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            throw .readFailed(source: name, reason: String(cString: strerror(errno)))
        }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child keeps our stdin and stderr, so a password manager can ask its own questions
        // on the terminal; only stdout is captured.
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
        // Only the dup'd stdout stays open in the child, so a daemon it starts cannot hold
        // the pipe open and make us wait for it.
        posix_spawn_file_actions_addclose(&actions, readEnd)
        if writeEnd != STDOUT_FILENO { posix_spawn_file_actions_addclose(&actions, writeEnd) }

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawnResult = posix_spawnp(&pid, program, &actions, nil, &cArguments, environ)
        close(writeEnd)
        guard spawnResult == 0 else {
            close(readEnd)
            if spawnResult == ENOENT { throw .passphraseCommandNotFound(program: program) }
            throw .readFailed(source: name, reason: String(cString: strerror(spawnResult)))
        }

        let passphrase: Result<SecureBytes, CLIError>
        let status: Int32
        do throws(CLIError) {
            passphrase = .success(try Posix.readLine(from: readEnd, limit: TerminalPrompt.passphraseLimit, describing: name))
            status = drainAndClose(readEnd, untilExitOf: pid)
        } catch {
            passphrase = .failure(error)
            close(readEnd)
            status = waitForExit(pid)
        }
        if status != 0 { throw .passphraseCommandFailed(program: program, status: status) }
        return try passphrase.get()
    }

    /// Reads and wipes what the command prints after its first line, so a command that prints
    /// more (`pass show` on a multi-line entry) is not killed by SIGPIPE halfway, and returns
    /// its exit status. Stops as soon as the command itself has exited, even if the pipe is
    /// still open: a background process it started may hold its stdout for ever, and waiting
    /// for end of file would hang frl-vault with it.
    private static func drainAndClose(_ fd: Int32, untilExitOf pid: pid_t) -> Int32 {
        var scratch = [UInt8](repeating: 0, count: 4096)
        defer { scratch.withUnsafeMutableBytes { explicit_bzero($0.baseAddress!, $0.count) } }
        var total = 0
        while total < drainLimit {
            if let status = exitStatusIfExited(pid) {
                close(fd)
                return status
            }
            var ready = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            // The timeout is only how often the command's exit is checked while nothing arrives.
            let events = poll(&ready, 1, 50)
            if events < 0 && errno != EINTR { break }
            if events <= 0 { continue }
            let result = read(fd, &scratch, scratch.count)
            if result < 0 && errno == EINTR { continue }
            // End of file: the command (and everything it started) closed its stdout.
            if result <= 0 { break }
            total += result
        }
        // Closed before the blocking wait, so a command still writing gets EPIPE instead of
        // waiting on a full pipe that nobody reads.
        close(fd)
        return waitForExit(pid)
    }

    private static func exitStatusIfExited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result < 0 && errno == EINTR
        if result == 0 { return nil }
        if result < 0 { return -1 }
        return decode(status)
    }

    /// The exit status, or 128 + signal number for a command killed by a signal (as shells
    /// report it).
    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return decode(status)
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signalNumber = status & 0x7f
        if signalNumber == 0 { return (status >> 8) & 0xff }
        return 128 + signalNumber
    }
}
