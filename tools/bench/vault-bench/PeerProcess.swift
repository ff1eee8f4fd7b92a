#if canImport(Glibc)
import Glibc
#endif

/// A peer as a child process, asked for one timed operation at a time in the same rounds as
/// this process's own rows, so a peer's number always comes from this run: tools/bench/
/// python_peer.py (Fair Research Login's JSONTokenStorage and a PyNaCl reference vault), or an
/// older build of this benchmark in `serve` mode (`BaselineServer`). The child times each
/// operation itself and answers with nanoseconds.
final class PeerProcess {
    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private var pending: [UInt8] = []

    /// `arguments[0]` is the program's own name, as in `argv`.
    init(executable: String, arguments: [String]) {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        precondition(pipe(&toChild) == 0 && pipe(&fromChild) == 0, "pipe failed")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        argv.forEach { free($0) }
        precondition(result == 0, "cannot run \(executable): \(result)")
        close(toChild[0])
        close(fromChild[1])
        pid = child
        commands = toChild[1]
        answers = fromChild[0]
    }

    /// `python`: an interpreter with PyNaCl and fair-research-login (tools/setup-python.sh's).
    convenience init(python: String, script: String) {
        self.init(executable: python, arguments: [python, script])
    }

    /// Sends one command line and returns the child's answer (nanoseconds) in microseconds.
    @discardableResult
    func ask(_ command: String) throws -> Double {
        let line = Array((command + "\n").utf8)
        guard line.withUnsafeBytes({ write(commands, $0.baseAddress, $0.count) }) == line.count else { throw BenchFailure() }
        while !pending.contains(UInt8(ascii: "\n")) {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(answers, &buffer, buffer.count)
            guard count > 0 else { throw BenchFailure() }
            pending += buffer[..<count]
        }
        let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
        let text = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeSubrange(...end)
        guard let nanoseconds = Double(text) else { throw BenchFailure() }
        return nanoseconds / 1000
    }

    func stop() {
        _ = try? ask("quit")
        close(commands)
        close(answers)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
