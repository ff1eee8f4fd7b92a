import Testing
import Tokens
import TokenVault
import VaultCrypto

@Suite("Vault round trips")
struct RoundTripTests {
    @Test("a keyfile vault reads back exactly what was written, and the file holds no token text")
    func keyfileRoundTrip() throws {
        let place = try VaultPlace()
        let tokens = sampleTokens("keyfile", count: 5)
        try place.storage().writeTokens(tokens)
        #expect(try place.storage().readTokens() == tokens)
        let onDisk = try #require(contents(of: place.vault))
        for set in tokens.values {
            #expect(!contains(onDisk, Array(set.accessToken.utf8)))
            #expect(!contains(onDisk, Array(set.resourceServer.utf8)))
        }
    }

    @Test("a passphrase vault reads back with a fresh instance of the same passphrase")
    func passphraseRoundTrip() throws {
        let place = try VaultPlace()
        let tokens = sampleTokens("passphrase")
        let writer = VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("correct horse"), kdf: cheapKDF))
        try writer.writeTokens(tokens)
        let reader = VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("correct horse"), kdf: cheapKDF))
        #expect(try reader.readTokens() == tokens)
        // The same instance keeps working after its first operation (cached key).
        try writer.writeTokens(sampleTokens("second"))
        #expect(try reader.readTokens() == sampleTokens("second"))
    }

    @Test("namespaces live side by side: writing one leaves the others as they were")
    func namespaces() throws {
        let place = try VaultPlace()
        let first = place.storage(namespace: "tokens")
        let second = place.storage(namespace: "other-client")
        try first.writeTokens(sampleTokens("one"))
        try second.writeTokens(sampleTokens("two", count: 2))
        #expect(try first.readTokens() == sampleTokens("one"))
        #expect(try second.readTokens() == sampleTokens("two", count: 2))
        #expect(try place.storage(namespace: "third").readTokens() == [:])
        #expect(try first.readAllNamespaces() == ["tokens": sampleTokens("one"), "other-client": sampleTokens("two", count: 2)])
        try first.writeTokens(sampleTokens("one-again"))
        #expect(try second.readTokens() == sampleTokens("two", count: 2))
    }

    @Test("an empty vault: create, then every namespace reads empty")
    func emptyVault() throws {
        let place = try VaultPlace()
        try VaultTokenStorage.create(path: place.vault, key: place.key)
        #expect(mode(of: place.vault) == 0o600)
        #expect(try place.storage().readTokens() == [:])
        #expect(try place.storage().readAllNamespaces() == [:])
        let info = try VaultTokenStorage.inspect(path: place.vault)
        #expect(info.keyDerivation == .keyfile)
        #expect(info.fileSize == contents(of: place.vault)?.count)
    }

    @Test("no vault yet: readTokens is empty, but the whole-vault operations say the vault is missing")
    func absentVault() throws {
        let place = try VaultPlace()
        #expect(try place.storage().readTokens() == [:])
        #expect(throws: VaultError.missingVault(path: place.vault)) { try place.storage().readAllNamespaces() }
        #expect(throws: VaultError.missingVault(path: place.vault)) {
            try place.storage().rekey(to: .keyfile(path: try place.otherKeyfile()))
        }
        #expect(throws: VaultError.missingVault(path: place.vault)) { try VaultTokenStorage.inspect(path: place.vault) }
        try place.storage().clearTokens()
        try place.storage().destroyVault()
        #expect(!exists(place.vault))
        #expect(place.directory.entries() == ["other.key", "vault.key"])
    }

    @Test("create refuses an existing file unless forced; force makes a fresh empty 0600 vault")
    func createRefusesExisting() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("old"))
        try setMode(place.vault, 0o644)
        let before = contents(of: place.vault)
        #expect(throws: VaultError.alreadyExists(path: place.vault)) {
            try VaultTokenStorage.create(path: place.vault, key: place.key)
        }
        #expect(contents(of: place.vault) == before)
        try VaultTokenStorage.create(path: place.vault, key: place.key, force: true)
        #expect(try place.storage().readAllNamespaces() == [:])
        #expect(mode(of: place.vault) == 0o600)
    }

    @Test("update reads inside the lock, returns the body's result, and writes nothing when the body throws")
    func updateSemantics() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        // Nothing to change: no vault is created.
        let untouched = try storage.update { tokens in tokens.count }
        #expect(untouched == 0)
        #expect(!exists(place.vault))
        try storage.writeTokens(sampleTokens("base"))
        // Another instance writes; the update sees it, because it re-reads under the lock.
        try place.storage().writeTokens(sampleTokens("newer", count: 2))
        let seen = try storage.update { tokens in
            tokens["added.example.org"] = tokenSet("added.example.org", "added")
            return tokens.count
        }
        #expect(seen == 3)
        var expected = sampleTokens("newer", count: 2)
        expected["added.example.org"] = tokenSet("added.example.org", "added")
        #expect(try storage.readTokens() == expected)

        struct Refused: Error {}
        let before = contents(of: place.vault)
        #expect(throws: Refused.self) {
            try storage.update { tokens in
                tokens = [:]
                throw Refused()
            }
        }
        #expect(contents(of: place.vault) == before)
    }

    @Test("updateAllNamespaces changes several namespaces in one write")
    func updateAll() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "a").writeTokens(sampleTokens("a"))
        try place.storage().updateAllNamespaces { namespaces in
            namespaces["b"] = sampleTokens("b")
            namespaces["a"] = nil
        }
        #expect(try place.storage().readAllNamespaces() == ["b": sampleTokens("b")])
    }

    @Test("every write uses a fresh file: new inode, different bytes, same tokens")
    func writesReplaceTheFile() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        try storage.writeTokens(sampleTokens("same"))
        let firstBytes = contents(of: place.vault)
        let firstInode = inode(of: place.vault)
        try storage.writeTokens(sampleTokens("same"))
        #expect(contents(of: place.vault) != firstBytes)
        #expect(inode(of: place.vault) != firstInode)
        #expect(place.directory.entries() == ["tokens.vault", "tokens.vault.lock", "vault.key"])
    }

    @Test("a vault reached through a symbolic link: the link survives and the lock sits by the target")
    func symbolicLinkToVault() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("direct"))
        let linkPath = place.directory.file("link.vault")
        try symbolicLink(place.vault, linkPath)
        #expect(try VaultTokenStorage(path: linkPath, key: place.key).readTokens() == sampleTokens("direct"))
        let storage = VaultTokenStorage(path: linkPath, key: place.key)
        try storage.writeTokens(sampleTokens("linked"))
        #expect(try place.storage().readTokens() == sampleTokens("linked"))
        #expect(exists(place.vault + ".lock"))
        #expect(!exists(linkPath + ".lock"))
        #expect(place.directory.entries() == ["link.vault", "tokens.vault", "tokens.vault.lock", "vault.key"])
    }
}
