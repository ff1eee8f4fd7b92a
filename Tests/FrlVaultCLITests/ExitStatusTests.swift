#if canImport(Glibc)
import Glibc
#endif
import SecureFiles
import Testing

/// Every documented exit status, provoked for real, and the vault left as it was.
@Suite struct ExitStatusTests {
    @Test func usageErrorsAre64() {
        let box = Sandbox()
        expectFailure(box.run(["status", "--no-such-option"]), 64, mentioning: ["--no-such-option"])
        expectFailure(box.run(["no-such-verb"]), 64)
        expectFailure(box.run(["status", "--lock-timeout", "-1"]), 64)
    }

    /// Without $HOME there is no default vault path (the password database is not consulted:
    /// the static release binary cannot load NSS modules safely).
    @Test func noHomeAndNoVaultPathIs64() {
        let box = Sandbox()
        box.environment["HOME"] = nil
        expectFailure(box.run(["status"]), 64, mentioning: ["no vault path", "$HOME"])
    }

    @Test func damagedAndForeignFilesAre65() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        box.write("[tokens]\nnot = a vault\n", to: "foreign")
        expectFailure(box.run(["verify", "--vault", box.path("foreign"), "--keyfile", key]), 65, mentioning: [box.path("foreign")])
        expectFailure(box.run(["status", "--vault", box.path("foreign")]), 65)

        // Flip one bit of the ciphertext's last byte.
        let fd = open(box.vault, O_RDWR)
        var byte: UInt8 = 0
        let end = lseek(fd, -1, SEEK_END)
        _ = pread(fd, &byte, 1, end)
        byte ^= 0x01
        _ = pwrite(fd, &byte, 1, end)
        close(fd)
        let damaged = box.read(box.vault)
        expectFailure(box.run(["verify", "--vault", box.vault, "--keyfile", key]), 65, mentioning: [box.vault])
        // A write on a damaged vault fails closed and leaves it as it was.
        expectFailure(box.run(["remove", "auth.globus.org", "--vault", box.vault, "--keyfile", key]), 65)
        #expect(box.read(box.vault) == damaged)
    }

    @Test func invalidTokenDataToImportIs65AndChangesNothing() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.read(box.vault)
        box.write(Fixtures.invalidTokenTypeJSON, to: "bad.json")
        expectFailure(box.run(["import", box.path("bad.json"), "--vault", box.vault, "--keyfile", key]), 65, mentioning: [box.path("bad.json")])
        #expect(box.read(box.vault) == before)
        #expect(!box.run(["import", box.path("bad.json"), "--vault", box.vault, "--keyfile", key]).stderr.contains("BAD-ACCESS"))
    }

    @Test func missingThingsAre66() {
        let box = Sandbox()
        expectFailure(box.run(["status", "--vault", box.vault]), 66, mentioning: [box.vault])
        expectFailure(box.run(["show", "--vault", box.vault, "--keyfile", box.path("key")]), 66, mentioning: [box.vault])
        let key = box.makeKeyfileVault()
        expectFailure(box.run(["show", "--vault", box.vault, "--keyfile", box.path("missing-key")]), 66, mentioning: [box.path("missing-key")])
        expectFailure(box.run(["import", box.path("missing.json"), "--vault", box.vault, "--keyfile", key]), 66, mentioning: [box.path("missing.json")])
        expectFailure(box.run(["init", "--vault", box.path("v2"), "--passphrase-file", box.path("missing-pass")]), 66)
        #expect(!box.exists("v2"))
    }

    @Test func refusingToOverwriteIs73() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", key]), 73)
        expectFailure(box.run(["keygen", key]), 73)
    }

    @Test func aHeldLockIs75AfterTheTimeout() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonJSON, to: "fixture.json")
        let before = box.read(box.vault)
        let lock = try FileLock.acquire(box.vault + ".lock", timeoutSeconds: 5)
        defer { lock.release() }
        expectFailure(box.run(["import", box.path("fixture.json"), "--vault", box.vault, "--keyfile", key, "--lock-timeout", "0.2"]), 75,
                      mentioning: [box.vault])
        #expect(box.read(box.vault) == before)
        // Reading takes no lock.
        expectSuccess(box.run(["verify", "--vault", box.vault, "--keyfile", key, "--lock-timeout", "0.2"]))
    }

    @Test func keyDerivationWithoutItsMemoryIs71() {
        let box = Sandbox()
        box.write(Fixtures.passphrase + "\n", to: "passphrase")
        // Under 200 MB of address space the moderate preset's 256 MiB cannot be had.
        let outcome = ChildProcess(
            "/bin/sh", ["-c", "ulimit -v 200000 && exec \"$0\" \"$@\"", Binary.path,
                        "init", "--vault", box.vault, "--passphrase-file", box.path("passphrase"), "--kdf", "moderate"],
            environment: box.environment
        ).wait(timeout: 60)
        expectFailure(outcome, 71, mentioning: [box.vault, "Argon2id"])
        #expect(!box.exists("vault") && !box.exists("vault.lock"))
    }

    @Test func wrongKeysAre77() {
        let box = Sandbox()
        box.makeKeyfileVault()
        expectSuccess(box.run(["keygen", box.path("other")]))
        expectFailure(box.run(["show", "--vault", box.vault, "--keyfile", box.path("other")]), 77, mentioning: [box.vault])
        box.write(Fixtures.passphrase + "\n", to: "pass")
        expectFailure(box.run(["show", "--vault", box.vault, "--passphrase-file", box.path("pass")]), 77)
    }

    @Test func unsafePermissionsAre78() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        chmod(box.vault, 0o666)
        expectFailure(box.run(["verify", "--vault", box.vault, "--keyfile", key]), 78, mentioning: [box.vault])
        chmod(box.vault, 0o600)
        chmod(key, 0o644)
        expectFailure(box.run(["verify", "--vault", box.vault, "--keyfile", key]), 78, mentioning: [key])
        let outcome = box.run(["verify", "--vault", box.vault, "--keyfile", key])
        #expect(outcome.stderr.contains("frl-vault: hint: ") && outcome.stderr.contains("chmod"))
    }
}

/// Review findings about locks and leftovers, each seen from the command line.
@Suite struct LockAndLeftoverTests {
    @Test("init waits for the vault's lock like every writer, and for no longer than --lock-timeout")
    func initTakesTheLock() throws {
        let box = Sandbox()
        let key = box.path("key")
        expectSuccess(box.run(["keygen", key]))
        let held = try FileLock.acquire(box.vault + ".lock", timeoutSeconds: 5)
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", key, "--lock-timeout", "0.3"]), 75)
        #expect(!box.exists("vault"))
        held.release()
        expectSuccess(box.run(["init", "--vault", box.vault, "--keyfile", key]))
        let heldAgain = try FileLock.acquire(box.vault + ".lock", timeoutSeconds: 5)
        defer { heldAgain.release() }
        let started = ChildProcess.monotonicNow()
        expectFailure(box.run(["init", "--force", "--yes", "--vault", box.vault, "--keyfile", key, "--lock-timeout", "0.3"]), 75)
        #expect(ChildProcess.monotonicNow() - started < 5, "--lock-timeout was not honoured")
    }

    @Test("a failed write leaves no lock file it did not find")
    func failedWriteLeavesNoLockFile() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        #expect(unlink(box.path("vault.lock")) == 0)
        let before = box.read(box.vault)
        expectSuccess(box.run(["keygen", box.path("other")]))
        let failures: [([String], Int32)] = [
            (["import", box.path("fixture.json"), "--vault", box.vault, "--keyfile", box.path("other")], 77),
            (["remove", "no.such.server", "--vault", box.vault, "--keyfile", key], 66),
            (["rekey", "--vault", box.vault, "--keyfile", key, "--new-keyfile", key], 64),
            (["clear", "--yes", "--vault", box.vault, "--keyfile", box.path("other")], 77),
        ]
        for (arguments, status) in failures {
            expectFailure(box.run(arguments), status)
            #expect(!box.exists("vault.lock"), "\(arguments[0]) left the lock file")
        }
        #expect(box.read(box.vault) == before)
    }

    @Test("what a clear killed mid-wipe leaves is removed by the next clear, with or without the key")
    func interruptedWipeIsFinished() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        // The vault's bytes, partly overwritten, under the name the wipe had moved them to.
        let leftover = ".vault.wipe-0123456789abcdef"
        box.write(String(repeating: "\u{1}", count: 300), to: leftover)
        expectSuccess(box.run(["clear", "--yes", "--vault", box.vault, "--keyfile", key]))
        #expect(!box.exists(leftover))
        box.write(String(repeating: "\u{1}", count: 300), to: leftover)
        expectSuccess(box.run(["clear", "--yes", "--without-key", "--vault", box.vault]))
        #expect(!box.exists(leftover))
        expectFailure(box.run(["clear", "--yes", "--without-key", "--vault", box.vault]), 66)
    }
}
