import Glibc
import Testing
import Tokens
import TokenVault

/// SECURITY.md accepts read-only vaults (0444, 0400). Clearing and rekeying must still wipe them.
/// Root writes any file regardless of its mode, so when the tests run as root the work is done by
/// a `vault-child` that drops to an unprivileged user first.
@Suite("Read-only vaults")
struct ReadOnlyVaultTests {
    static let user: UInt32 = getuid() == 0 ? 65534 : getuid()

    /// Gives the directory and the files to `user`, as they would be in that user's home.
    private func handOver(_ paths: [String]) throws {
        guard getuid() == 0 else { return }
        for path in paths { try setOwner(path, Self.user) }
    }

    private func takeBack(_ paths: [String]) throws {
        guard getuid() == 0 else { return }
        for path in paths { try setOwner(path, 0) }
    }

    @Test("clearing a read-only vault overwrites it in place and removes it", arguments: [0o444, 0o400] as [mode_t])
    func clearReadOnly(readOnlyMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("ro", count: 10))
        try setMode(place.vault, readOnlyMode)
        try handOver([place.directory.path, place.keyfile, place.vault, place.vault + ".lock"])
        let held = try HeldFile(place.vault)
        let old = held.contents()
        let child = try ChildProcess(["as", "\(Self.user)", "clear", place.vault, place.keyfile])
        #expect(child.readLine() == "done")
        #expect(child.wait() == 0)
        #expect(!exists(place.vault))
        #expect(!exists(place.vault + ".lock"))
        let survived = sharesAnyRun(old, with: held.contents())
        #expect(!survived, "old ciphertext survived")
        // The write bit lent to the owner for the wipe was taken back.
        #expect(held.mode == UInt32(readOnlyMode))
    }

    @Test("rekeying a read-only vault wipes the old file, and the new one keeps the mode", arguments: [0o444, 0o400] as [mode_t])
    func rekeyReadOnly(readOnlyMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("a", count: 10))
        try place.storage(namespace: "b").writeTokens(sampleTokens("b"))
        try setMode(place.vault, readOnlyMode)
        let newKeyfile = try place.otherKeyfile()
        let files = [place.directory.path, place.keyfile, place.vault, place.vault + ".lock", newKeyfile]
        try handOver(files)
        let held = try HeldFile(place.vault)
        let old = held.contents()
        let child = try ChildProcess(["as", "\(Self.user)", "rekey", place.vault, place.keyfile, newKeyfile])
        #expect(child.readLine() == "done")
        #expect(child.wait() == 0)
        let survived = sharesAnyRun(old, with: held.contents())
        #expect(!survived, "old ciphertext survived")
        #expect(held.mode == UInt32(readOnlyMode))
        #expect(mode(of: place.vault) == UInt32(readOnlyMode))
        try takeBack(files)
        let rekeyed = VaultTokenStorage(path: place.vault, key: .keyfile(path: newKeyfile))
        #expect(try rekeyed.readAllNamespaces() == ["tokens": sampleTokens("a", count: 10), "b": sampleTokens("b")])
    }
}
