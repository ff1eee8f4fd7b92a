import Glibc
import Testing
import Tokens
import TokenVault

@Suite("Rekey")
struct RekeyTests {
    @Test("keyfile to keyfile: every namespace survives, the old key no longer opens, the old bytes are wiped")
    func keyfileToKeyfile() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("a"))
        try place.storage(namespace: "b").writeTokens(sampleTokens("b"))
        let old = try #require(contents(of: place.vault))
        let held = try HeldFile(place.vault)
        let newKeyfile = try place.otherKeyfile()
        let storage = place.storage()
        try storage.rekey(to: .keyfile(path: newKeyfile))
        // The same instance goes on with the new key.
        #expect(try storage.readAllNamespaces() == ["tokens": sampleTokens("a"), "b": sampleTokens("b")])
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try place.storage().readTokens() }
        #expect(held.contents().count == old.count)
        #expect(!sharesAnyRun(old, with: held.contents()))
    }

    @Test("passphrase to keyfile and back; a passphrase rekey records the new cost")
    func acrossKinds() throws {
        let place = try VaultPlace()
        let withPassphrase = VaultKey.passphrase(try passphrase("first"), kdf: cheapKDF)
        try VaultTokenStorage(path: place.vault, key: withPassphrase).writeTokens(sampleTokens("x"))
        try VaultTokenStorage(path: place.vault, key: withPassphrase).rekey(to: place.key)
        #expect(try VaultTokenStorage.inspect(path: place.vault).keyDerivation == .keyfile)
        #expect(try place.storage().readTokens() == sampleTokens("x"))
        #expect(throws: VaultError.self) { try VaultTokenStorage(path: place.vault, key: withPassphrase).readTokens() }
        let second = VaultKey.passphrase(try passphrase("second"), kdf: cheapKDF)
        try place.storage().rekey(to: second)
        #expect(try VaultTokenStorage(path: place.vault, key: second).readTokens() == sampleTokens("x"))
    }

    @Test("rekeying to the key the vault already has is refused and changes nothing")
    func sameKeyRefused() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x"))
        let before = contents(of: place.vault)
        #expect(throws: VaultError.sameKey(path: place.vault)) { try place.storage().rekey(to: place.key) }
        // A copy of the same keyfile is the same key.
        let copy = place.directory.file("copy.key")
        try writeFile(copy, try #require(contents(of: place.keyfile)))
        #expect(throws: VaultError.sameKey(path: place.vault)) { try place.storage().rekey(to: .keyfile(path: copy)) }
        let key = VaultKey.passphrase(try passphrase("pp"), kdf: cheapKDF)
        try place.storage().rekey(to: key)
        let afterPassphrase = contents(of: place.vault)
        #expect(afterPassphrase != before)
        #expect(throws: VaultError.sameKey(path: place.vault)) {
            try VaultTokenStorage(path: place.vault, key: key).rekey(to: .passphrase(try passphrase("pp"), kdf: cheapKDF))
        }
        #expect(contents(of: place.vault) == afterPassphrase)
    }
}
