import Glibc
import Testing
import Tokens
import TokenVault

/// A token that leaves the vault (its set removed, or replaced by new tokens) must not stay
/// decryptable in the replaced inode under the key that still opens the vault.
@Suite("Tokens leaving the vault")
struct LeavingTokensTests {
    private func expectWiped(_ held: HeldFile, _ old: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let now = held.contents()
        #expect(now.count == old.count, sourceLocation: sourceLocation)
        #expect(!sharesAnyRun(old, with: now), "the replaced inode still holds the old ciphertext", sourceLocation: sourceLocation)
    }

    @Test("removing a set, replacing its tokens or writing a map without it wipes the replaced inode")
    func leavingTokensWipe() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "other").writeTokens(sampleTokens("o"))
        let changes: [(String, (inout TokenMap) -> Void)] = [
            ("removed", { $0.removeValue(forKey: $0.keys.sorted()[0]) }),
            ("new access token", { map in
                let server = map.keys.sorted()[0]
                map[server]?.accessToken = "NEW-ACCESS"
            }),
            ("new refresh token", { map in
                let server = map.keys.sorted()[0]
                map[server]?.refreshToken = "NEW-REFRESH"
            }),
        ]
        for (what, change) in changes {
            // A fresh instance each time: no cached document, so the write decodes the file first.
            try place.storage().writeTokens(sampleTokens(what, count: 3))
            let old = try #require(contents(of: place.vault))
            let held = try HeldFile(place.vault)
            try place.storage().update(change)
            expectWiped(held, old)
            // And through the cached path of one instance, and writeTokens.
            let storage = place.storage()
            try storage.writeTokens(sampleTokens(what, count: 3))
            let before = try storage.readTokens()
            let oldAgain = try #require(contents(of: place.vault))
            let heldAgain = try HeldFile(place.vault)
            var changed = before
            change(&changed)
            try storage.writeTokens(changed)
            expectWiped(heldAgain, oldAgain)
        }
        #expect(try place.storage(namespace: "other").readTokens() == sampleTokens("o"))
    }

    @Test("adding a set or rewriting the same tokens leaves the replaced inode as it was")
    func addingDoesNotWipe() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("a", count: 2))
        let old = try #require(contents(of: place.vault))
        let held = try HeldFile(place.vault)
        try place.storage().update { $0["new.example.org"] = tokenSet("new.example.org", "b") }
        #expect(try place.storage().readTokens().count == 3)
        #expect(held.contents() == old)
        let again = try #require(contents(of: place.vault))
        let heldAgain = try HeldFile(place.vault)
        try place.storage().writeTokens(try place.storage().readTokens())
        #expect(heldAgain.contents() == again)
    }
}
