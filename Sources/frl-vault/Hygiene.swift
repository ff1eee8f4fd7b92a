#if canImport(Glibc)
import Glibc
#endif
internal import VaultCrypto

/// Process hardening done before any key is read: a core dump or a debugger attached by
/// another user of the machine would otherwise see the passphrase and the decrypted tokens.
enum Hygiene {
    /// No core file, no ptrace by the same user (see `CoreDumps.disable`). The caller goes on
    /// if this fails, since neither is fatal to the job, but it never fails silently in tests
    /// (they check the limit a child inherits and who owns the process's /proc entries).
    @discardableResult
    static func disableCoreDumps() -> Bool {
        CoreDumps.disable()
    }

    /// The signals a crash raises. Swift's runtime installs handlers for them at start-up that
    /// run its backtracer, which prints registers and raw memory around the fault to stderr:
    /// a core dump by another route, possibly holding a passphrase or a token. With the
    /// default action back, a crash just ends the process (and RLIMIT_CORE 0 means no core).
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT, SIGSYS, SIGQUIT]

    /// Puts the default action back on every crash signal; false if any reset failed.
    @discardableResult
    static func silenceCrashReports() -> Bool {
        var allReset = true
        for signalNumber in crashSignals {
            // SIG_ERR is the handler -1; function pointers are not Equatable in Swift.
            if unsafeBitCast(signal(signalNumber, SIG_DFL), to: Int.self) == -1 { allReset = false }
        }
        return allReset
    }
}
