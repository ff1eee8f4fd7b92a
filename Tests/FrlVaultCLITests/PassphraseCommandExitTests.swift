#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A passphrase command is waited for, not everything it left running.
@Suite struct PassphraseCommandExitTests {
    @Test func aPassphraseCommandThatLeavesABackgroundProcessDoesNotHang() {
        let box = Sandbox()
        box.makePassphraseVault()
        // The background sleep keeps the command's stdout (the pipe) open long after the
        // command itself has exited; its stderr goes elsewhere so only that pipe is held.
        box.write("#!/bin/sh\necho '\(Fixtures.passphrase)'\nsleep 40 2>/dev/null </dev/null &\nexit 0\n", to: "daemon.sh", mode: 0o700)
        let outcome = box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("daemon.sh")], timeout: 20)
        expectSuccess(outcome)
        // Output past the first line is still read, so a long one cannot kill the command with SIGPIPE.
        box.write("#!/bin/sh\necho '\(Fixtures.passphrase)'\nhead -c 200000 /dev/zero | tr '\\0' x\necho\n", to: "chatty.sh", mode: 0o700)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("chatty.sh")], timeout: 20))
    }
}
