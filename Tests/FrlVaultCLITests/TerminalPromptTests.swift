#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `frl-vault` on a pseudo-terminal, answered the way a person would: each answer is typed
/// only after its prompt appears. What the terminal echoes back is what a shoulder-surfer
/// would see, so a passphrase in it means echo was not off.
final class TerminalSession {
    private let master: Int32
    private let pid: pid_t
    private(set) var screen = ""
    /// `echoes` once the program has exited, read before the pty is closed.
    private(set) var echoedAtExit = false

    init(_ arguments: [String], environment: [String: String]) {
        master = PTY.openMaster(O_RDWR | O_NOCTTY)
        precondition(master >= 0 && PTY.grant(master) == 0 && PTY.unlock(master) == 0)
        let slaveName = String(cString: PTY.slaveName(master)!)
        (pid) = spawnLock.withLock { _ -> pid_t in
            let slave = open(slaveName, O_RDWR | O_NOCTTY)
            precondition(slave >= 0)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for target: Int32 in 0...2 { posix_spawn_file_actions_adddup2(&actions, slave, target) }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // The test runner's threads may block or ignore signals, and a child inherits that:
            // it starts with none blocked and every one at its default action, as from a shell.
            var none = sigset_t()
            var all = sigset_t()
            sigemptyset(&none)
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            // POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
            posix_spawnattr_setflags(&attributes, 0x80 | 0x08 | 0x04)
            let argv: [UnsafeMutablePointer<CChar>?] = ([Binary.path] + arguments).map { strdup($0) } + [nil]
            let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            var child: pid_t = 0
            precondition(posix_spawn(&child, Binary.path, &actions, &attributes, argv, envp) == 0)
            close(slave)
            return child
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
    }

    /// Reads until `text` has appeared (or the deadline passes, which fails the test).
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = ChildProcess.monotonicNow() + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !screen.contains(text) {
            let remaining = deadline - ChildProcess.monotonicNow()
            if remaining <= 0 { break }
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, Int32(remaining * 1000)) <= 0 { continue }
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            screen += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        let found = screen.contains(text)
        #expect(found, "'\(text)' never appeared; screen: \(screen)", sourceLocation: sourceLocation)
        return found
    }

    func signal(_ signalNumber: Int32) { Glibc.kill(pid, signalNumber) }

    /// Whether the terminal echoes what is typed (the pty's settings, read on the master side).
    var echoes: Bool {
        var settings = termios()
        guard tcgetattr(master, &settings) == 0 else { return false }
        return settings.c_lflag & tcflag_t(ECHO) != 0
    }

    func type(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = write(master, bytes, bytes.count)
    }

    /// The exit status after draining the rest of the output.
    func finish(timeout: Double = 30) -> Int32 {
        let deadline = ChildProcess.monotonicNow() + timeout
        var status: Int32 = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ChildProcess.monotonicNow() > deadline {
                Glibc.kill(pid, SIGKILL)
                Issue.record("frl-vault on the terminal did not finish; screen: \(screen)")
                waitpid(pid, &status, 0)
                break
            }
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, 100) > 0 {
                let count = read(master, &buffer, buffer.count)
                if count > 0 { screen += String(decoding: buffer[0..<count], as: UTF8.self) }
            }
        }
        // What the child wrote just before exiting may still sit in the pty: read until the
        // slave side reports EOF or EIO, or the pty stays quiet, so the screen is complete.
        while true {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 200) > 0 else { break }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { break }
            screen += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        echoedAtExit = echoes
        close(master)
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }
}

/// glibc's pty calls sit behind _XOPEN_SOURCE, which Swift's Glibc module does not import;
/// they are plain non-variadic functions, so they are looked up by name.
enum PTY {
    typealias IntOfInt = @convention(c) (Int32) -> Int32
    typealias NameOfInt = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    static func function<F>(_ name: String, as type: F.Type) -> F {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("no \(name) in libc") }
        return unsafeBitCast(symbol, to: type)
    }
    static let openMaster = function("posix_openpt", as: IntOfInt.self)
    static let grant = function("grantpt", as: IntOfInt.self)
    static let unlock = function("unlockpt", as: IntOfInt.self)
    static let slaveName = function("ptsname", as: NameOfInt.self)
}

@Suite struct TerminalPromptTests {
    @Test func anySignalThatEndsThePromptLeavesEchoOn() {
        let box = Sandbox()
        box.makePassphraseVault()
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGVTALRM, SIGPROF, SIGIO,
                             SIGPWR, SIGXCPU, __libc_current_sigrtmin() + 3] {
            let session = TerminalSession(["verify", "--vault", box.vault], environment: box.environment)
            session.waitFor("Passphrase for")
            #expect(!session.echoes, "echo was on at the prompt")
            session.signal(signalNumber)
            _ = session.finish()
            #expect(session.echoedAtExit, "signal \(signalNumber) left the terminal's echo off")
        }
    }

    @Test func aNewPassphraseIsAskedTwiceWithEchoOffAndThenOpensTheVault() {
        let box = Sandbox()
        let session = TerminalSession(["init", "--vault", box.vault, "--kdf", "interactive"], environment: box.environment)
        session.waitFor("New passphrase for \(box.vault): ")
        session.type(Fixtures.passphrase)
        session.waitFor("Repeat the new passphrase: ")
        session.type(Fixtures.passphrase)
        #expect(session.finish() == 0, "screen: \(session.screen)")
        #expect(!session.screen.contains(Fixtures.passphrase), "the passphrase was echoed")

        let unlock = TerminalSession(["verify", "--vault", box.vault], environment: box.environment)
        unlock.waitFor("Passphrase for \(box.vault): ")
        unlock.type(Fixtures.passphrase)
        #expect(unlock.finish() == 0, "screen: \(unlock.screen)")
        #expect(unlock.screen.contains("ok: \(box.vault)"))
        #expect(!unlock.screen.contains(Fixtures.passphrase))
    }

    @Test func differingOrEmptyNewPassphrasesAreRefused() {
        let box = Sandbox()
        let differing = TerminalSession(["init", "--vault", box.vault, "--kdf", "interactive"], environment: box.environment)
        differing.waitFor("New passphrase")
        differing.type(Fixtures.passphrase)
        differing.waitFor("Repeat")
        differing.type(Fixtures.otherPassphrase)
        #expect(differing.finish() == 64)
        #expect(differing.screen.contains("frl-vault: error: the two passphrases differ"))
        #expect(!box.exists(box.vault))

        let empty = TerminalSession(["init", "--vault", box.vault, "--kdf", "interactive"], environment: box.environment)
        empty.waitFor("New passphrase")
        empty.type("")
        #expect(empty.finish() == 65)
        #expect(empty.screen.contains("empty passphrase"))
        #expect(!box.exists(box.vault))
    }

    @Test func initForceAsksOnTheTerminalBeforeReplacingAVault() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.read(box.vault)
        let declined = TerminalSession(["init", "--vault", box.vault, "--keyfile", key, "--force"], environment: box.environment)
        declined.waitFor("[y/N] ")
        declined.type("n")
        #expect(declined.finish() == 64, "screen: \(declined.screen)")
        #expect(box.read(box.vault) == before)

        let accepted = TerminalSession(["init", "--vault", box.vault, "--keyfile", key, "--force"], environment: box.environment)
        accepted.waitFor("[y/N] ")
        accepted.type("y")
        #expect(accepted.finish() == 0, "screen: \(accepted.screen)")
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout == "{}\n")
    }

    @Test func clearAsksOnTheTerminalAndOnlyYesWipes() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let declined = TerminalSession(["clear", "--vault", box.vault, "--keyfile", key], environment: box.environment)
        declined.waitFor("[y/N] ")
        declined.type("n")
        #expect(declined.finish() == 64)
        #expect(box.exists(box.vault))

        let accepted = TerminalSession(["clear", "--vault", box.vault, "--keyfile", key], environment: box.environment)
        accepted.waitFor("[y/N] ")
        accepted.type("yes")
        #expect(accepted.finish() == 0, "screen: \(accepted.screen)")
        #expect(!box.exists(box.vault))
    }
}
