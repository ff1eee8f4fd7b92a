import Glibc
import Testing
import Tokens
import TokenVault

/// `create(force: true)` (`frl-vault init --force`): replaces whatever vault is at the path,
/// whether or not any key at hand opens it, and wipes the replaced one like rekey does.
@Suite("Creating with force")
struct ForceCreateTests {
    @Test("a vault this key cannot open is replaced, and its bytes are overwritten in place")
    func replacesAndWipesUnopenableVault() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("lost", count: 10))
        try setMode(place.vault, 0o644)
        let held = try HeldFile(place.vault)
        let old = held.contents()
        let newKeyfile = try place.otherKeyfile()
        try VaultTokenStorage.create(path: place.vault, key: .keyfile(path: newKeyfile), force: true)
        #expect(try VaultTokenStorage(path: place.vault, key: .keyfile(path: newKeyfile)).readAllNamespaces() == [:])
        #expect(mode(of: place.vault) == 0o600)
        let survived = sharesAnyRun(old, with: held.contents())
        #expect(!survived, "old ciphertext survived")
    }

    @Test("a damaged vault and a read-only one are wiped as well")
    func wipesDamagedAndReadOnlyVaults() throws {
        for damage in [true, false] {
            let place = try VaultPlace()
            try place.storage().writeTokens(sampleTokens("d", count: 10))
            var bytes = try #require(contents(of: place.vault))
            if damage { bytes[bytes.count / 2] ^= 0x40 }
            try writeFile(place.vault, bytes, mode: damage ? 0o600 : 0o444)
            let held = try HeldFile(place.vault)
            try VaultTokenStorage.create(path: place.vault, key: place.key, force: true)
            let survived = sharesAnyRun(bytes, with: held.contents())
            #expect(!survived, "old ciphertext survived")
            #expect(try place.storage().readAllNamespaces() == [:])
        }
    }

    @Test("dead writers' temp files are wiped too")
    func wipesLeftovers() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("t", count: 10))
        let leftover = place.directory.file(".tokens.vault.tmp-00000000000000ff")
        let old = try #require(contents(of: place.vault))
        try writeFile(leftover, old)
        let held = try HeldFile(leftover)
        try VaultTokenStorage.create(path: place.vault, key: place.key, force: true)
        #expect(!exists(leftover))
        let survived = sharesAnyRun(old, with: held.contents())
        #expect(!survived, "old ciphertext survived")
    }

    @Test("a file that is not a vault is replaced, but its bytes are not the vault's to wipe")
    func nonVaultIsOnlyReplaced() throws {
        let place = try VaultPlace()
        let content = Array("a file the user pointed --vault at by mistake".utf8)
        try writeFile(place.vault, content)
        let held = try HeldFile(place.vault)
        try VaultTokenStorage.create(path: place.vault, key: place.key, force: true)
        #expect(held.contents() == content)
        #expect(try place.storage().readAllNamespaces() == [:])
    }

    @Test("a directory is refused and left alone")
    func refusesDirectory() throws {
        let place = try VaultPlace()
        #expect(mkdir(place.vault, 0o700) == 0)
        try writeFile(place.vault + "/inside", Array("x".utf8))
        #expect(throws: VaultError.notAVault(path: place.vault)) {
            try VaultTokenStorage.create(path: place.vault, key: place.key, force: true)
        }
        #expect(contents(of: place.vault + "/inside") == Array("x".utf8))
    }
}
