import Glibc
import Testing
import Tokens
import TokenVault

@Suite("Clearing")
struct ClearTests {
    @Test("clearing the last tokens overwrites the vault in place: a process holding it open reads none of the old ciphertext")
    func clearOverwritesInPlace() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("secret", count: 20))
        let old = try #require(contents(of: place.vault))
        let held = try HeldFile(place.vault)
        try place.storage().clearTokens()
        #expect(!exists(place.vault))
        #expect(!exists(place.vault + ".lock"))
        #expect(place.directory.entries() == ["vault.key"])
        let kept = held.contents()
        #expect(kept.count == old.count)
        #expect(!sharesAnyRun(old, with: kept))
        #expect(try place.storage().readTokens() == [:])
    }

    @Test("clearing one namespace keeps the others, and the replaced file is wiped all the same")
    func clearOneNamespace() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("gone", count: 10))
        try place.storage(namespace: "stays").writeTokens(sampleTokens("stays"))
        let old = try #require(contents(of: place.vault))
        let held = try HeldFile(place.vault)
        try place.storage().clearTokens()
        #expect(try place.storage().readAllNamespaces() == ["stays": sampleTokens("stays")])
        let kept = held.contents()
        #expect(kept.count == old.count)
        #expect(!sharesAnyRun(old, with: kept))
        #expect(exists(place.vault + ".lock"))
    }

    @Test("a namespace that is absent or empty leaves nothing behind once cleared")
    func emptyNamespacesDoNotKeepTheVault() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "empty").writeTokens([:])
        try place.storage().writeTokens(sampleTokens("t"))
        try place.storage().clearTokens()
        #expect(!exists(place.vault))
        try place.storage().clearTokens()
        #expect(place.directory.entries() == ["vault.key"])
    }

    @Test("destroyVault wipes every namespace in place and removes the lock file")
    func destroy() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("a"))
        try place.storage(namespace: "b").writeTokens(sampleTokens("b"))
        let old = try #require(contents(of: place.vault))
        let held = try HeldFile(place.vault)
        try place.storage().destroyVault()
        #expect(place.directory.entries() == ["vault.key"])
        #expect(held.contents().count == old.count)
        #expect(!sharesAnyRun(old, with: held.contents()))
        #expect(throws: VaultError.missingVault(path: place.vault)) { try place.storage().readAllNamespaces() }
    }

    @Test("a cleared vault can be written again")
    func writeAfterClear() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("1"))
        try place.storage().clearTokens()
        try place.storage().writeTokens(sampleTokens("2"))
        #expect(try place.storage().readTokens() == sampleTokens("2"))
    }
}
