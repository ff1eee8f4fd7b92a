import Glibc
import Testing
import Tokens
import TokenVault

@Suite("Destroying a vault without its key")
struct DestroyWithoutKeyTests {
    @Test("a vault whose keyfile is lost is overwritten in place and removed with its lock file and leftovers")
    func destroysVaultWithLostKey() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("a", count: 10))
        try place.storage(namespace: "b").writeTokens(sampleTokens("b"))
        let old = try #require(contents(of: place.vault))
        let leftover = place.directory.file(".tokens.vault.tmp-0000000000000001")
        try writeFile(leftover, old)
        let heldVault = try HeldFile(place.vault)
        let heldLeftover = try HeldFile(leftover)
        #expect(unlink(place.keyfile) == 0)
        try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        #expect(place.directory.entries() == [])
        let survivedInVault = sharesAnyRun(old, with: heldVault.contents())
        let survivedInLeftover = sharesAnyRun(old, with: heldLeftover.contents())
        #expect(!survivedInVault, "old ciphertext survived in the vault's inode")
        #expect(!survivedInLeftover, "old ciphertext survived in the leftover's inode")
    }

    @Test("a damaged or read-only vault is destroyed too", arguments: [0o600, 0o444] as [mode_t])
    func destroysDamagedVault(vaultMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("d", count: 10))
        var bytes = try #require(contents(of: place.vault))
        bytes[bytes.count - 1] ^= 1
        try writeFile(place.vault, bytes, mode: vaultMode)
        let held = try HeldFile(place.vault)
        try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        #expect(!exists(place.vault))
        let survived = sharesAnyRun(bytes, with: held.contents())
        #expect(!survived, "old ciphertext survived")
    }

    @Test("a symbolic link is followed, and removed with the vault")
    func followsSymlink() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("s"))
        let link = place.directory.file("link.vault")
        try symbolicLink(place.vault, link)
        try VaultTokenStorage.destroyVaultWithoutKey(path: link)
        #expect(place.directory.entries() == ["vault.key"])
    }

    @Test("a file that does not start with the vault magic is refused and left as it was, with no lock file beside it")
    func refusesNonVaults() throws {
        let place = try VaultPlace()
        for content in [Array("FRLVAULX not a vault".utf8), Array("FRLVAU".utf8), []] {
            try writeFile(place.vault, content)
            #expect(throws: VaultError.notAVault(path: place.vault)) {
                try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
            }
            #expect(contents(of: place.vault) == content)
        }
        #expect(throws: VaultError.notAVault(path: place.keyfile)) {
            try VaultTokenStorage.destroyVaultWithoutKey(path: place.keyfile)
        }
        #expect(place.directory.entries() == ["tokens.vault", "vault.key"])
    }

    @Test("nothing there, a directory or a FIFO is refused", .timeLimit(.minutes(1)))
    func refusesNonFiles() throws {
        let place = try VaultPlace()
        #expect(throws: VaultError.missingVault(path: place.vault)) {
            try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        }
        #expect(mkdir(place.vault, 0o700) == 0)
        #expect(throws: VaultError.notAVault(path: place.vault)) {
            try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        }
        #expect(rmdir(place.vault) == 0)
        #expect(mkfifo(place.vault, 0o600) == 0)
        #expect(throws: VaultError.notAVault(path: place.vault)) {
            try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        }
        #expect(place.directory.entries() == ["tokens.vault", "vault.key"])
    }

    @Test("a vault of another user is refused and left as it was")
    func refusesOtherUsersVault() throws {
        guard getuid() == 0 else { return }
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("o"))
        let old = try #require(contents(of: place.vault))
        try setOwner(place.vault, 12345)
        do {
            try VaultTokenStorage.destroyVaultWithoutKey(path: place.vault)
        } catch let error as VaultError {
            guard case .unsafePermissions(let path, let reason, _) = error else {
                Issue.record("expected unsafePermissions, got \(error)")
                return
            }
            #expect(path == place.vault)
            #expect(reason.contains("uid 12345"))
        }
        #expect(contents(of: place.vault) == old)
    }
}
