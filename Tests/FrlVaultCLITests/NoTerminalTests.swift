#if canImport(Glibc)
import Glibc
#endif
import Testing

/// What would need a person at a terminal is refused at once (64) when there is none.
@Suite struct NoTerminalTests {
    @Test func theNewPassphrasePromptNeedsATerminal() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let before = box.read(box.vault)
        // Standard input is a pipe holding a passphrase twice: it must not be taken for a terminal.
        let line = Fixtures.otherPassphrase + "\n"
        let outcome = box.run(["rekey", "--vault", box.vault, "--keyfile", key, "--new-passphrase-prompt", "--kdf", "interactive"],
                              input: .bytes(Array((line + line).utf8)), timeout: 20)
        expectFailure(outcome, 64, mentioning: ["--new-passphrase-prompt", "terminal"])
        #expect(box.read(box.vault) == before)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--keyfile", key]))
    }

    @Test func initForceNeedsYesWithoutATerminal() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.read(box.vault)
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", key, "--force"], timeout: 20), 64,
                      mentioning: ["confirmation"])
        #expect(box.read(box.vault) == before)
        expectSuccess(box.run(["init", "--vault", box.vault, "--keyfile", key, "--force", "--yes"]))
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout == "{}\n")
        // Nothing to replace: nothing to confirm.
        expectSuccess(box.run(["init", "--vault", box.path("fresh.vault"), "--keyfile", key, "--force"]))
    }
}
