import Glibc
import Testing
import Tokens
@testable import TokenVault

/// The per-instance cache of the last verified vault file: it may only skip work, never a check.
@Suite("Verified-file cache")
struct VerifiedFileCacheTests {
    @Test("an instance re-reading its own write, or an unchanged file, does not decrypt again")
    func unchangedFileIsNotDecodedAgain() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        try storage.writeTokens(sampleTokens("one"))
        try storage.writeTokens(sampleTokens("two"))
        #expect(try storage.readTokens() == sampleTokens("two"))
        #expect(try storage.readTokens() == sampleTokens("two"))
        // The first write found no vault; every later call found the bytes it had written.
        #expect(storage.fullDecodes == 0)
    }

    @Test("a file another instance changed between two writes is decoded again, and its change kept")
    func changedFileIsDecodedAgain() throws {
        let place = try VaultPlace()
        let mine = place.storage()
        let theirs = place.storage(namespace: "theirs")
        try mine.writeTokens(sampleTokens("mine"))
        try theirs.writeTokens(sampleTokens("theirs"))
        try mine.update { $0["late.example.org"] = tokenSet("late.example.org", "late") }
        #expect(mine.fullDecodes == 1)
        var expected = sampleTokens("mine")
        expected["late.example.org"] = tokenSet("late.example.org", "late")
        let all = try place.storage().readAllNamespaces()
        #expect(all == ["tokens": expected, "theirs": sampleTokens("theirs")])
        // Theirs decoded mine's first file to write, then mine's update for this read.
        #expect(try theirs.readTokens() == sampleTokens("theirs"))
        #expect(theirs.fullDecodes == 2)
    }

    @Test("a same-size rewrite by another process (same key, new nonce) is decoded again")
    func sameSizeRewriteIsNoticed() throws {
        let place = try VaultPlace()
        let mine = place.storage()
        // crashState(2) and crashState(1) differ only in digits: the files have one size.
        try mine.writeTokens(crashState(2))
        let before = try #require(contents(of: place.vault))
        let child = try ChildProcess(["write-new", place.vault, place.keyfile, "077"])
        #expect(child.readLine() == "done")
        #expect(child.wait() == 0)
        let after = try #require(contents(of: place.vault))
        #expect(after.count == before.count)
        #expect(after != before)
        #expect(try mine.readTokens() == crashState(1))
        #expect(mine.fullDecodes == 1)
    }

    @Test("a vault replaced by one this key cannot open is never written over, cache or not")
    func replacedByForeignVaultIsRefused() throws {
        let place = try VaultPlace()
        let mine = place.storage()
        try mine.writeTokens(sampleTokens("mine"))
        _ = try mine.readTokens()
        let foreignPath = place.directory.file("foreign.vault")
        let foreign = VaultTokenStorage(path: foreignPath, key: .keyfile(path: try place.otherKeyfile()))
        try foreign.writeTokens(sampleTokens("mine"))
        let foreignBytes = try #require(contents(of: foreignPath))
        try writeFile(place.vault, foreignBytes)
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try mine.writeTokens(sampleTokens("again")) }
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try mine.update { $0 = [:] } }
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try mine.readTokens() }
        #expect(contents(of: place.vault) == foreignBytes)
    }

    @Test("one flipped ciphertext byte, same size, is refused as damaged and not written over")
    func flippedByteIsRefused() throws {
        let place = try VaultPlace()
        let mine = place.storage()
        try mine.writeTokens(sampleTokens("mine"))
        var bytes = try #require(contents(of: place.vault))
        bytes[bytes.count - 1] ^= 0x01
        try writeFile(place.vault, bytes)
        let error = #expect(throws: VaultError.self) { try mine.writeTokens(sampleTokens("again")) }
        guard case .damaged(let path, _) = error else {
            Issue.record("expected damaged, got \(String(describing: error))")
            return
        }
        #expect(path == place.vault)
        #expect(contents(of: place.vault) == bytes)
        // The failure dropped the cache: putting the good file back means decoding it again.
        bytes[bytes.count - 1] ^= 0x01
        try writeFile(place.vault, bytes)
        let decodesBefore = mine.fullDecodes
        #expect(try mine.readTokens() == sampleTokens("mine"))
        #expect(mine.fullDecodes == decodesBefore + 1)
    }

    @Test("the cached document belongs to one instance: others decode for themselves, a wrong key still fails")
    func cacheIsPerInstance() throws {
        let place = try VaultPlace()
        let writer = place.storage()
        try writer.writeTokens(sampleTokens("shared"))
        let reader = place.storage()
        #expect(try reader.readTokens() == sampleTokens("shared"))
        #expect(reader.fullDecodes == 1)
        #expect(writer.fullDecodes == 0)
        let stranger = VaultTokenStorage(path: place.vault, key: .keyfile(path: try place.otherKeyfile()))
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try stranger.readTokens() }
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try stranger.writeTokens(sampleTokens("x")) }
    }

    @Test("after a rekey the instance decodes with its new key; an old instance is refused")
    func rekeyDropsTheCache() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        let old = place.storage()
        try storage.writeTokens(sampleTokens("before"))
        #expect(try old.readTokens() == sampleTokens("before"))
        try storage.rekey(to: .keyfile(path: try place.otherKeyfile()))
        try storage.writeTokens(sampleTokens("after"))
        #expect(try storage.readTokens() == sampleTokens("after"))
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try old.writeTokens(sampleTokens("stale")) }
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try old.readTokens() }
    }

    @Test("clearing drops the cache: a vault recreated afterwards is read from disk")
    func clearDropsTheCache() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        try storage.writeTokens(sampleTokens("gone"))
        try storage.clearTokens()
        #expect(try storage.readTokens() == [:])
        try place.storage().writeTokens(sampleTokens("new"))
        #expect(try storage.readTokens() == sampleTokens("new"))
    }
}
