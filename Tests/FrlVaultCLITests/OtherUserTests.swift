#if canImport(Glibc)
import Glibc
#endif
import Testing

/// What another user on the same machine can plant in a shared sticky directory (as in /tmp),
/// run the way the review ran it: the release binary, two real Unix users, and the kernel's
/// `fs.protected_symlinks` whatever this machine has (the promise must not depend on it).
@Suite(.enabled(if: getuid() == 0, "needs root, to create two separate Unix users"))
struct OtherUserTests {
    /// The victim's private directory and a world-writable sticky directory beside it.
    final class SharedMachine {
        let box = Sandbox()
        let victim: UnixUser
        let intruder: UnixUser
        let home: String
        let shared: String

        init() throws {
            let (victim, whyNotVictim) = UnixUser.make("frlvault-victim")
            let (intruder, whyNotIntruder) = UnixUser.make("frlvault-intruder")
            guard let victim, let intruder else {
                throw SetupFailure(reason: whyNotVictim ?? whyNotIntruder ?? "no users")
            }
            guard victim.uid != intruder.uid, victim.uid != 0, intruder.uid != 0 else {
                throw SetupFailure(reason: "the two test users are not two distinct non-root users: \(victim), \(intruder)")
            }
            self.victim = victim
            self.intruder = intruder
            #expect(chmod(box.directory, 0o755) == 0)
            home = box.path("home")
            shared = box.path("shared")
            #expect(mkdir(home, 0o700) == 0)
            victim.own(home)
            #expect(mkdir(shared, 0o777) == 0 && chmod(shared, 0o1777) == 0)
        }

        func asVictim(_ arguments: [String]) -> ChildProcess.Outcome {
            victim.run(Binary.path, arguments, environment: box.environment.merging(["HOME": home]) { $1 })
        }

        func asIntruder(_ executable: String, _ arguments: [String]) -> ChildProcess.Outcome {
            intruder.run(executable, arguments, environment: ["PATH": Posix.path, "HOME": "/"])
        }

        /// The victim's keyfile vault holding the fixture's tokens; returns the keyfile.
        func victimVault() -> (vault: String, key: String) {
            let key = home + "/key"
            let vault = home + "/vault"
            expectSuccess(asVictim(["keygen", key]))
            expectSuccess(asVictim(["init", "--vault", vault, "--keyfile", key]))
            box.write(Fixtures.pythonJSON, to: "home/fixture.json")
            victim.own(home + "/fixture.json")
            expectSuccess(asVictim(["import", home + "/fixture.json", "--vault", vault, "--keyfile", key]))
            return (vault, key)
        }

        func bytes(_ path: String) -> String? { box.read(path) }
    }

    struct SetupFailure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    @Test("another user's symbolic link never steers a wipe or a forced init to the victim's files")
    func plantedSymlinksAreNeverFollowed() throws {
        let machine = try SharedMachine()
        let (vault, key) = machine.victimVault()
        let shellRC = machine.home + "/.bashrc"
        machine.box.write("echo hello\n", to: "home/.bashrc", mode: 0o644)
        machine.victim.own(shellRC)
        let vaultBefore = machine.bytes(vault)
        let linkToVault = machine.shared + "/mine.vault"
        let linkToRC = machine.shared + "/rc.vault"
        expectSuccess(machine.asIntruder("/bin/ln", ["-s", vault, linkToVault]))
        expectSuccess(machine.asIntruder("/bin/ln", ["-s", shellRC, linkToRC]))

        for arguments in [
            ["clear", "--without-key", "--yes", "--vault", linkToVault],
            ["clear", "--yes", "--vault", linkToVault, "--keyfile", key],
            ["rekey", "--vault", linkToVault, "--keyfile", key, "--new-keyfile", key],
            ["import", machine.home + "/fixture.json", "--vault", linkToVault, "--keyfile", key],
            ["init", "--force", "--yes", "--vault", linkToRC, "--keyfile", key],
            ["init", "--force", "--yes", "--vault", linkToVault, "--keyfile", key],
        ] {
            let outcome = machine.asVictim(arguments)
            expectFailure(outcome, 78, mentioning: ["symbolic link owned by another user (uid \(machine.intruder.uid))"])
            #expect(outcome.stderr.contains("frl-vault: hint: fix it with: sudo rm "), "\(arguments): \(outcome.stderr)")
        }
        #expect(machine.bytes(vault) == vaultBefore, "the victim's vault changed")
        #expect(machine.bytes(shellRC) == "echo hello\n", "the victim's shell start-up file changed")
        #expect(!machine.box.exists(machine.shared + "/mine.vault.lock"), "a lock file was left in the shared directory")
        // A key file reached through another user's link would seal a vault with their key.
        expectFailure(machine.asVictim(["verify", "--vault", vault, "--keyfile", linkToVault]), 78)

        // The victim's own link in the same directory is followed, as before.
        let ownLink = machine.shared + "/own.vault"
        expectSuccess(machine.victim.run("/bin/ln", ["-s", vault, ownLink], environment: ["PATH": Posix.path]))
        expectSuccess(machine.asVictim(["verify", "--vault", ownLink, "--keyfile", key]))
    }

    @Test("a hard link another user made to the victim's vault is never overwritten through")
    func hardLinkedVaultIsNeverWiped() throws {
        let machine = try SharedMachine()
        let (vault, key) = machine.victimVault()
        let vaultBefore = machine.bytes(vault)
        // What any user can do while fs.protected_hardlinks=0; made by root here, so that the
        // test does not depend on the sysctl.
        let planted = machine.shared + "/hard.vault"
        #expect(link(vault, planted) == 0)
        for arguments in [
            ["clear", "--without-key", "--yes", "--vault", planted],
            ["clear", "--yes", "--vault", planted, "--keyfile", key],
            ["init", "--force", "--yes", "--vault", planted, "--keyfile", key],
        ] {
            let outcome = machine.asVictim(arguments)
            expectFailure(outcome, 78, mentioning: ["2 names (hard links)"])
        }
        #expect(machine.bytes(vault) == vaultBefore, "the victim's vault changed")
        #expect(machine.bytes(planted) == vaultBefore)
    }

    @Test("a symbolic link of the victim's, hard-linked into a shared directory, is not followed")
    func hardLinkedSymlinkIsNotFollowed() throws {
        let machine = try SharedMachine()
        let (vault, key) = machine.victimVault()
        let vaultBefore = machine.bytes(vault)
        let ownLink = machine.home + "/vault-link"
        expectSuccess(machine.victim.run("/bin/ln", ["-s", vault, ownLink], environment: ["PATH": Posix.path]))
        // What another user can do while fs.protected_hardlinks=0: link(2) names the link itself,
        // which keeps its owner. Made by root here, so the test does not depend on the sysctl.
        let planted = machine.shared + "/borrowed.vault"
        #expect(link(ownLink, planted) == 0)
        for arguments in [
            ["clear", "--without-key", "--yes", "--vault", planted],
            ["clear", "--yes", "--vault", planted, "--keyfile", key],
        ] {
            expectFailure(machine.asVictim(arguments), 78, mentioning: ["symbolic link with 2 names (hard links)"])
        }
        #expect(machine.bytes(vault) == vaultBefore, "the victim's vault changed")
        // The victim's own name for it is the same link, refused too until the other name goes.
        expectFailure(machine.asVictim(["verify", "--vault", ownLink, "--keyfile", key]), 78)
        #expect(unlink(planted) == 0)
        expectSuccess(machine.asVictim(["verify", "--vault", ownLink, "--keyfile", key]))
    }

    @Test("a lock file, keyfile or vault another user planted is refused with 78 and the command that removes it")
    func plantedFilesAreNamed() throws {
        let machine = try SharedMachine()
        let (vault, key) = machine.victimVault()
        let target = machine.shared + "/target.vault"
        expectSuccess(machine.asIntruder("/usr/bin/install", ["-m", "600", "/dev/null", target + ".lock"]))
        expectSuccess(machine.asIntruder("/usr/bin/install", ["-m", "600", "/dev/null", machine.shared + "/key"]))
        expectSuccess(machine.asIntruder("/usr/bin/install", ["-m", "600", "/dev/null", machine.shared + "/other.vault"]))
        let cases: [([String], String)] = [
            (["init", "--vault", target, "--keyfile", key], target + ".lock"),
            (["verify", "--vault", vault, "--keyfile", machine.shared + "/key"], machine.shared + "/key"),
            (["verify", "--vault", machine.shared + "/other.vault", "--keyfile", key], machine.shared + "/other.vault"),
        ]
        for (arguments, planted) in cases {
            let outcome = machine.asVictim(arguments)
            expectFailure(outcome, 78, mentioning: [planted, "another user (uid \(machine.intruder.uid))"])
            #expect(outcome.stderr.contains("frl-vault: hint: fix it with: sudo rm \(planted)"), "\(arguments): \(outcome.stderr)")
        }
        #expect(!machine.box.exists(target))
    }
}
