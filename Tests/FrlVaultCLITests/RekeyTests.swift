#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Key rotation, both ways between keyfile and passphrase, and its crash safety.
@Suite struct RekeyTests {
    @Test func keyfileToPassphraseAndBackAndTheOldKeyStopsWorking() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let contents = box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout
        box.write(Fixtures.passphrase + "\n", to: "pass")

        let toPassphrase = box.run(["rekey", "--vault", box.vault, "--keyfile", key,
                                    "--new-passphrase-file", box.path("pass"), "--kdf", "interactive"])
        expectSuccess(toPassphrase)
        expectNoSecrets(toPassphrase)
        #expect(box.mode(box.vault) == 0o600)
        expectFailure(box.run(["verify", "--vault", box.vault, "--keyfile", key]), 77)
        #expect(box.run(["export", "--vault", box.vault, "--passphrase-file", box.path("pass")]).stdout == contents)
        let status = box.run(["status", "--vault", box.vault, "--json"]).stdout
        #expect(status.contains("\"preset\": \"interactive\""))

        // Back to a new keyfile, the old passphrase coming in on a descriptor.
        expectSuccess(box.run(["keygen", box.path("key2")]))
        expectSuccess(box.run(["rekey", "--vault", box.vault, "--passphrase-fd", "4", "--new-keyfile", box.path("key2")],
                              descriptors: [4: Array((Fixtures.passphrase + "\n").utf8)]))
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("pass")]), 77)
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", box.path("key2")]).stdout == contents)
    }

    @Test func passphraseToPassphraseThroughDescriptors() {
        let box = Sandbox()
        let file = box.makePassphraseVault()
        box.importFixture(["--passphrase-file", file])
        expectSuccess(box.run(["rekey", "--vault", box.vault, "--passphrase-file", file, "--new-passphrase-fd", "6"],
                              descriptors: [6: Array((Fixtures.otherPassphrase + "\n").utf8)]))
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", file]), 77)
        box.write(Fixtures.otherPassphrase + "\n", to: "new")
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("new")]))
        // $FRL_VAULT_NEW_PASSPHRASE_FD names the new key as well.
        expectSuccess(box.run(["rekey", "--vault", box.vault, "--passphrase-file", box.path("new")],
                              environment: ["FRL_VAULT_NEW_PASSPHRASE_FD": "8"], descriptors: [8: Array((Fixtures.passphrase + "\n").utf8)]))
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", file]))
    }

    @Test func theNewKeyMustBeGivenAndDiffer() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let before = box.read(box.vault)
        // The current key's variable never supplies the new key.
        expectFailure(box.run(["rekey", "--vault", box.vault], environment: ["FRL_VAULT_KEYFILE": key]), 64, mentioning: ["new key"])
        expectFailure(box.run(["rekey", "--vault", box.vault, "--keyfile", key, "--new-keyfile", key]), 64)
        expectSuccess(box.run(["keygen", box.path("k2")]))
        expectFailure(box.run(["rekey", "--vault", box.vault, "--keyfile", key, "--new-keyfile", box.path("k2"),
                               "--new-passphrase-prompt"]), 64)
        #expect(box.read(box.vault) == before)
        // A wrong current key changes nothing either.
        expectFailure(box.run(["rekey", "--vault", box.vault, "--keyfile", box.path("k2"), "--new-keyfile", key]), 77)
        #expect(box.read(box.vault) == before)
    }

    /// Rekeys back and forth between two keyfiles and kills the process at random moments.
    /// Whatever the instant, exactly one of the two keys opens the vault afterwards and the
    /// tokens are intact.
    @Test func sigkillDuringRekeyLeavesAVaultThatExactlyOneKeyOpens() {
        let box = Sandbox()
        let keyA = box.makeKeyfileVault(keyfile: "a")
        expectSuccess(box.run(["keygen", box.path("b")]))
        let keyB = box.path("b")
        box.importFixture(["--keyfile", keyA])
        let contents = box.run(["export", "--vault", box.vault, "--keyfile", keyA]).stdout

        // How long one rekey takes here decides the window the kills are spread over.
        var current = keyA
        let started = ChildProcess.monotonicNow()
        expectSuccess(box.run(["rekey", "--vault", box.vault, "--keyfile", keyA, "--new-keyfile", keyB]))
        let duration = ChildProcess.monotonicNow() - started
        current = keyB

        var generator = SystemRandomNumberGenerator()
        var completed = 0, killed = 0
        for _ in 0..<20 {
            let next = current == keyA ? keyB : keyA
            let child = box.start(["rekey", "--vault", box.vault, "--keyfile", current, "--new-keyfile", next])
            let delay = Double.random(in: 0...(duration * 1.2), using: &generator)
            usleep(useconds_t(delay * 1_000_000))
            child.kill()
            let outcome = child.wait(timeout: 30)
            if outcome.signal == nil { completed += 1 } else { killed += 1 }

            let opensWithA = box.run(["export", "--vault", box.vault, "--keyfile", keyA])
            let opensWithB = box.run(["export", "--vault", box.vault, "--keyfile", keyB])
            let openers = [opensWithA, opensWithB].filter { $0.status == 0 }
            #expect(openers.count == 1, "A: \(opensWithA.stderr) B: \(opensWithB.stderr)")
            #expect(openers.first?.stdout == contents)
            if opensWithA.status == 0 { current = keyA } else if opensWithB.status == 0 { current = keyB } else { break }
            if outcome.status == 0 && outcome.signal == nil { #expect(current == next) }
        }
        #expect(completed + killed == 20)
        // Most kills land inside the run (the window is the run's own length); none at all
        // would mean the loop tested nothing.
        #expect(killed > 0)
    }
}
