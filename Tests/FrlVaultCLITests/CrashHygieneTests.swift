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

    /// A process that is not dumpable has its /proc entries owned by root, so the passphrase
    /// command checks its parent's. As root that would hold either way, so there frl-vault runs
    /// as nobody. (The flag is set through a C wrapper: a static build cannot dlsym prctl.)
    @Test func theProcessIsNotDumpableBeforeAnyKeyIsRead() throws {
        let box = Sandbox()
        var command = [Binary.path]
        if getuid() == 0 {
            let setpriv = "/usr/bin/setpriv"
            try #require(access(setpriv, X_OK) == 0, "util-linux's setpriv runs frl-vault as nobody")
            try #require(chown(box.directory, 65534, 65534) == 0)
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        box.write("""
            #!/bin/sh
            [ "$(stat -c %u /proc/$PPID/environ)" = 0 ] || exit 9
            echo '\(Fixtures.passphrase)'

            """, to: "dumpable.sh", mode: 0o755)
        if getuid() == 0 { try #require(chown(box.path("dumpable.sh"), 65534, 65534) == 0) }
        let arguments = ["init", "--vault", box.vault, "--kdf", "interactive", "--passphrase-command", box.path("dumpable.sh")]
        let outcome = ChildProcess(command[0], Array(command.dropFirst()) + arguments, environment: box.environment).wait(timeout: 60)
        #expect(outcome.status == 0, "init: \(outcome.stderr)")
        #expect(box.exists("vault"))
    }
}
