#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A crash must not print memory: the runtime's backtracer is switched off by resetting its signals.
@Suite struct CrashHygieneTests {
    @Test func crashSignalsHaveTheirDefaultActionBeforeAnyKeyIsRead() {
        let box = Sandbox()
        box.makePassphraseVault()
        // The passphrase command reads its parent's caught-signal mask: SIGQUIT, SIGILL,
        // SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV and SIGSYS must have no handler (the
        // runtime's backtracer would print registers and memory on a crash).
        box.write("""
            #!/bin/sh
            caught=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$PPID/status)
            [ -n "$caught" ] || exit 8
            [ $(( 0x$caught & 0x400004FC )) -eq 0 ] || exit 9
            echo '\(Fixtures.passphrase)'

            """, to: "signals.sh", mode: 0o700)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("signals.sh")]))
    }
}
