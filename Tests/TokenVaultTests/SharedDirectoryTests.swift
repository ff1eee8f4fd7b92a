import Glibc
import Testing
import Tokens
import TokenVault

/// What another user can plant beside a vault in a sticky shared directory (/tmp is accepted by
/// the permission policy): names that look like our temp files, and the lock file's name.
@Suite("Names planted beside the vault")
struct SharedDirectoryTests {
    static let tempName = ".tokens.vault.tmp-0123456789abcdef"

    @Test("an unrelated file hard-linked under a temp name survives writes and clears untouched")
    func hardLinkedFileSurvives() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("w"))
        let precious = place.directory.file("precious")
        let content = Array("someone's unrelated data".utf8)
        try writeFile(precious, content)
        try hardLink(precious, place.directory.file(Self.tempName))
        try place.storage().writeTokens(sampleTokens("w2"))
        try place.storage().clearTokens()
        #expect(contents(of: precious) == content)
        #expect(contents(of: place.directory.file(Self.tempName)) == content)
    }

    @Test("another name of the vault itself under a temp name is not wiped by a write")
    func hardLinkedVaultSurvives() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("v"))
        let old = try #require(contents(of: place.vault))
        try hardLink(place.vault, place.directory.file(Self.tempName))
        try place.storage().writeTokens(sampleTokens("v2"))
        #expect(contents(of: place.directory.file(Self.tempName)) == old)
    }

    @Test("a directory, a symbolic link or a FIFO under a temp name does not make writes fail", .timeLimit(.minutes(1)))
    func plantedNonFilesDoNotBlockWrites() throws {
        let place = try VaultPlace()
        let planted = place.directory.file(Self.tempName)
        let makers: [(String, () -> Int32)] = [
            ("directory", { mkdir(planted, 0o700) }),
            ("symbolic link", { symlink(place.keyfile, planted) }),
            ("FIFO", { mkfifo(planted, 0o600) }),
        ]
        for (kind, make) in makers {
            #expect(make() == 0)
            try place.storage().writeTokens(sampleTokens(kind))
            #expect(try place.storage().readTokens() == sampleTokens(kind))
            try place.storage().clearTokens()
            #expect(exists(planted), "the \(kind) was removed")
            _ = kind == "directory" ? rmdir(planted) : unlink(planted)
        }
        #expect(try place.storage().readTokens() == [:])
    }

    @Test("a file of another user under a temp name is left alone, even one that starts like a vault")
    func otherUsersFileSurvives() throws {
        guard getuid() == 0 else { return }
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("o"))
        let planted = place.directory.file(Self.tempName)
        let content = try #require(contents(of: place.vault))
        try writeFile(planted, content)
        try setOwner(planted, 12345)
        try place.storage().writeTokens(sampleTokens("o2"))
        #expect(contents(of: planted) == content)
    }

    @Test("a real leftover (a dead writer's temp file) is still wiped by the next write")
    func realLeftoverIsWiped() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("l", count: 10))
        let leftover = place.directory.file(Self.tempName)
        let old = try #require(contents(of: place.vault))
        try writeFile(leftover, old)
        let held = try HeldFile(leftover)
        try place.storage().writeTokens(sampleTokens("l2"))
        #expect(!exists(leftover))
        let survived = sharesAnyRun(old, with: held.contents())
        #expect(!survived, "old ciphertext survived")
    }

    @Test("a lock file another user made first is refused at once, naming it and the fix")
    func otherUsersLockFileIsRefused() throws {
        guard getuid() == 0 else { return }
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("k"))
        let lockPath = place.vault + ".lock"
        try setOwner(lockPath, 12345)
        let expected = VaultError.unsafePermissions(
            path: lockPath, reason: "the lock file is owned by another user (uid 12345), who could hold the lock forever",
            fix: "sudo rm \(lockPath)")
        #expect(throws: expected) { try place.storage(lockTimeoutSeconds: 30).writeTokens(sampleTokens("k2")) }
        #expect(throws: expected) { try place.storage().clearTokens() }
        #expect(try place.storage().readTokens() == sampleTokens("k"))
    }
}
