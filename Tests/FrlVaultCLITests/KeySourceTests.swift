#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Every way a key reaches the CLI, the documented precedence, and refusing to hang.
@Suite struct KeySourceTests {
    @Test func passphraseFileOpensAndAWrongOneIsRefusedAsWrongKey() {
        let box = Sandbox()
        let file = box.makePassphraseVault()
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", file]))
        box.write(Fixtures.otherPassphrase + "\n", to: "wrong")
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("wrong")]), 77, mentioning: [box.vault])
    }

    @Test func onlyTheFirstLineOfAPassphraseFileCountsAndCRLFIsTolerated() {
        let box = Sandbox()
        box.makePassphraseVault()
        box.write(Fixtures.passphrase + "\r\nsecond line ignored\n", to: "crlf")
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("crlf")]))
        box.write(Fixtures.passphrase, to: "nonewline")
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("nonewline")]))
    }

    @Test func passphraseFromAnInheritedDescriptorAndFromItsVariable() {
        let box = Sandbox()
        box.makePassphraseVault()
        let line = Array((Fixtures.passphrase + "\n").utf8)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-fd", "5"], descriptors: [5: line]))
        expectSuccess(box.run(["verify", "--vault", box.vault], environment: ["FRL_VAULT_PASSPHRASE_FD": "7"], descriptors: [7: line]))
        // Standard input is a descriptor like any other.
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-fd", "0"], input: .bytes(line)))
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-fd", "9"]), 66, mentioning: ["9"])
        expectFailure(box.run(["verify", "--vault", box.vault], environment: ["FRL_VAULT_PASSPHRASE_FD": "five"]), 64,
                      mentioning: ["FRL_VAULT_PASSPHRASE_FD"])
    }

    @Test func passphraseCommandRunsWithoutAShellAndItsFailuresAreReported() {
        let box = Sandbox()
        box.makePassphraseVault()
        // The script sees the limit it inherited: core dumps must already be off when it runs,
        // before any key has been read. It prints the passphrase only if so.
        box.write("#!/bin/sh\n[ \"$(ulimit -c)\" = 0 ] || exit 9\necho '\(Fixtures.passphrase)'\necho more output ignored\n", to: "pass.sh", mode: 0o700)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("pass.sh")]))
        expectSuccess(box.run(["verify", "--vault", box.vault], environment: ["FRL_VAULT_PASSCOMMAND": box.path("pass.sh")]))

        // Arguments are split on blanks and passed as they are: no shell expands "$HOME" or ";".
        box.write("#!/bin/sh\n[ \"$1\" = '$HOME;' ] && echo '\(Fixtures.passphrase)'\n", to: "literal.sh", mode: 0o700)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("literal.sh") + " $HOME;"]))

        box.write("#!/bin/sh\necho '\(Fixtures.passphrase)'\nexit 3\n", to: "fails.sh", mode: 0o700)
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("fails.sh")]), 66,
                      mentioning: ["exited with status 3"])
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-command", "no-such-password-manager --get x"]), 66,
                      mentioning: ["no-such-password-manager"])
        box.write("#!/bin/sh\nexit 0\n", to: "silent.sh", mode: 0o700)
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-command", box.path("silent.sh")]), 65,
                      mentioning: ["empty passphrase"])
    }

    @Test func withoutAKeySourceOrATerminalEveryVerbFailsAtOnceListingTheSources() {
        let box = Sandbox()
        box.makePassphraseVault()
        for verb in [["show"], ["export"], ["verify"], ["remove", "auth.globus.org"], ["rekey", "--new-keyfile", "new.key"]] {
            let outcome = box.run(verb + ["--vault", box.vault], timeout: 20)
            expectFailure(outcome, 64, mentioning: ["no terminal"])
            #expect(outcome.stderr.contains("--passphrase-fd") && outcome.stderr.contains("$FRL_VAULT_PASSCOMMAND"),
                    "sources not listed: \(outcome.stderr)")
        }
        let fresh = Sandbox()
        expectFailure(fresh.run(["init", "--vault", fresh.vault], timeout: 20), 64, mentioning: ["no terminal"])
        #expect(!fresh.exists(fresh.vault))
    }

    @Test func aKeyfileVaultWithoutAKeyfileIsAUsageErrorNotAPrompt() {
        let box = Sandbox()
        box.makeKeyfileVault()
        expectFailure(box.run(["show", "--vault", box.vault], timeout: 20), 64, mentioning: ["keyfile"])
    }

    @Test func twoKeyFlagsAreAUsageError() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.passphrase + "\n", to: "pass")
        expectFailure(box.run(["show", "--vault", box.vault, "--keyfile", key, "--passphrase-file", box.path("pass")]), 64,
                      mentioning: ["--keyfile", "--passphrase-file"])
    }

    @Test func aFlagBeatsEveryVariableAndVariablesFollowTheDocumentedOrder() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.passphrase + "\n", to: "pass")
        // A variable naming a passphrase loses to the --keyfile flag.
        expectSuccess(box.run(["verify", "--vault", box.vault, "--keyfile", key], environment: ["FRL_VAULT_PASSPHRASE_FILE": box.path("pass")]))
        // $FRL_VAULT_KEYFILE comes before $FRL_VAULT_PASSPHRASE_FILE and $FRL_VAULT_PASSCOMMAND.
        expectSuccess(box.run(["verify", "--vault", box.vault], environment: [
            "FRL_VAULT_KEYFILE": key, "FRL_VAULT_PASSPHRASE_FILE": box.path("pass"), "FRL_VAULT_PASSCOMMAND": "false",
        ]))
        // And a flag naming the wrong key is used (and fails) even when a variable has the right one.
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("pass")], environment: ["FRL_VAULT_KEYFILE": key]), 77)
    }

    @Test func anEmptyPassphraseIsRefusedAndNothingIsCreated() {
        let box = Sandbox()
        box.write("\n", to: "empty")
        expectFailure(box.run(["init", "--vault", box.vault, "--passphrase-file", box.path("empty"), "--kdf", "interactive"]), 65,
                      mentioning: ["empty passphrase"])
        #expect(!box.exists(box.vault))
        expectFailure(box.run(["init", "--vault", box.vault, "--passphrase-fd", "0", "--kdf", "interactive"], input: .bytes([])), 65)
        #expect(!box.exists(box.vault))
    }

    @Test func theDefaultVaultIsTheVariableElseTheHomeDirectoryFile() {
        let box = Sandbox()
        let key = box.path("key")
        expectSuccess(box.run(["keygen", key]))
        expectSuccess(box.run(["init", "--keyfile", key]))
        #expect(box.exists(box.path(".globus-native-apps.vault")))
        expectSuccess(box.run(["init", "--keyfile", key], environment: ["FRL_VAULT": box.path("elsewhere.vault")]))
        #expect(box.exists(box.path("elsewhere.vault")))
        // --vault wins over the variable.
        expectSuccess(box.run(["init", "--keyfile", key, "--vault", box.path("third.vault")], environment: ["FRL_VAULT": box.path("elsewhere.vault")]))
        #expect(box.exists(box.path("third.vault")))
    }
}
