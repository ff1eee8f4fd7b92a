#if canImport(Glibc)
import Glibc
#endif
internal import VaultCrypto

/// The terminal's settings while echo is off, so a signal handler can put them back: a
/// Ctrl-C at the prompt must not leave the user's shell silently swallowing keystrokes.
/// Written only by the main thread before the handlers are installed.
nonisolated(unsafe) private var savedTerminal: (fd: Int32, settings: termios)?

/// Questions asked on the controlling terminal. Used only when standard input is a terminal,
/// so a script or a CI job never waits for an answer nobody will type.
enum TerminalPrompt {
    static let passphraseLimit = 4096

    /// Whether a person can be asked: standard input is a terminal.
    static var isAvailable: Bool { Posix.standardInputIsTerminal }

    /// Prints `prompt` and reads one line with echo off, into secure memory.
    static func readSecret(prompt: String) throws(CLIError) -> SecureBytes {
        let terminal = openTerminal()
        defer { if terminal.owned { close(terminal.fd) } }
        var original = termios()
        let canSilence = tcgetattr(terminal.fd, &original) == 0
        if canSilence {
            var silent = original
            // ECHONL still echoes the newline, so the next line starts where it should.
            silent.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK)
            silent.c_lflag |= tcflag_t(ECHONL)
            savedTerminal = (terminal.fd, original)
            installRestoringHandlers()
            _ = tcsetattr(terminal.fd, TCSAFLUSH, &silent)
        }
        // Only now, with echo off and type-ahead flushed, is the person invited to type.
        Posix.writeAll(terminal.output, prompt)
        defer {
            if canSilence {
                _ = tcsetattr(terminal.fd, TCSAFLUSH, &original)
                restoreDefaultHandlers()
                savedTerminal = nil
            }
        }
        return try Posix.readLine(from: terminal.fd, limit: passphraseLimit, describing: "the terminal")
    }

    /// Asks a yes/no question (echo on); only "y" or "yes" count as yes.
    static func confirm(_ question: String) -> Bool {
        let terminal = openTerminal()
        defer { if terminal.owned { close(terminal.fd) } }
        Posix.writeAll(terminal.output, question)
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while answer.count < 64 {
            let result = read(terminal.fd, &byte, 1)
            if result < 0 && errno == EINTR { continue }
            if result <= 0 || byte == UInt8(ascii: "\n") { break }
            answer.append(byte)
        }
        let text = String(decoding: answer, as: UTF8.self).lowercased()
        return text == "y" || text == "yes"
    }

    /// /dev/tty when there is one (the prompt then reaches the person even with stderr
    /// redirected), else standard input and standard error.
    private static func openTerminal() -> (fd: Int32, output: Int32, owned: Bool) {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        if fd >= 0 { return (fd, fd, true) }
        return (STDIN_FILENO, STDERR_FILENO, false)
    }

    /// Every signal whose default action ends the process and that can be caught: the usual
    /// interrupts, but also SIGUSR1, SIGALRM, SIGPIPE and the real-time signals, any of which
    /// would otherwise end the prompt with the terminal still silent. (SIGKILL cannot be caught;
    /// the crash signals keep their default action, see `Hygiene`.)
    private static var terminatingSignals: [Int32] {
        [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
         SIGIO, SIGPWR, SIGSTKFLT] + Array(__libc_current_sigrtmin()...__libc_current_sigrtmax())
    }

    /// The signals given a handler by `installRestoringHandlers`: one the process inherited as
    /// ignored stays ignored (it cannot end the prompt).
    nonisolated(unsafe) private static var handled: [Int32] = []

    private static func installRestoringHandlers() {
        handled = []
        for signalNumber in terminatingSignals {
            let previous = signal(signalNumber) { received in
                if let saved = savedTerminal {
                    var settings = saved.settings
                    _ = tcsetattr(saved.fd, TCSAFLUSH, &settings)
                }
                signal(received, SIG_DFL)
                raise(received)
            }
            // SIG_IGN is the handler 1; function pointers are not Equatable in Swift.
            if unsafeBitCast(previous, to: Int.self) == 1 {
                signal(signalNumber, SIG_IGN)
            } else {
                handled.append(signalNumber)
            }
        }
    }

    private static func restoreDefaultHandlers() {
        for signalNumber in handled { signal(signalNumber, SIG_DFL) }
        handled = []
    }
}
