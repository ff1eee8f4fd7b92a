import Glibc

/// The test-only `vault-child` executable, built next to this test bundle.
let vaultChildPath: String = {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { raw in
        readlink("/proc/self/exe", raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count - 1)
    }
    let executable = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : CommandLine.arguments[0]
    let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        .joined(separator: "/")
    return directory + "/vault-child"
}()

/// A running `vault-child` whose stdout we read line by line. Killed on deinit if still alive.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let output: UnsafeMutablePointer<FILE>
    private var reaped = false

    init(_ arguments: [String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw TestSetupError.failed("pipe", errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        let argv = [vaultChildPath] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, vaultChildPath, &actions, nil, &cArguments, environ)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            throw TestSetupError.failed("posix_spawn \(vaultChildPath)", result)
        }
        pid = child
        guard let stream = fdopen(pipeEnds[0], "r") else { throw TestSetupError.failed("fdopen", errno) }
        output = stream
    }

    /// The next line of output without its newline, or nil at end of output.
    func readLine() -> String? {
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        guard getline(&line, &capacity, output) > 0, let line else { return nil }
        let text = String(cString: line)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// Waits for the child to exit; its exit status, or -signal when a signal ended it.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return -(status & 0x7f)
    }

    func kill() {
        guard !reaped else { return }
        Glibc.kill(pid, SIGKILL)
        wait()
    }

    deinit {
        kill()
        fclose(output)
    }
}
