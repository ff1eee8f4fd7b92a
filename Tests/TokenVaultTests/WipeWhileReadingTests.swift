import Glibc
import Synchronization
import Testing
import Tokens
@testable import TokenVault

/// A lock-free reader that opened the vault just before a writer wiped it (rekey, a namespace
/// clear, a full clear) must see the old vault, the new one or none: never "damaged" or "not a
/// vault". The writer strikes between the reader's open and its read, through a test seam, so
/// the race that processes hit a few times in thousands of reads is hit every time here.
@Suite("Readers and wipes", .serialized)
struct WipeWhileReadingTests {
    /// Runs `strike` once, the first time a reader of `place`'s vault has opened it.
    private func striking(_ place: VaultPlace, _ strike: @escaping @Sendable () throws -> Void, _ read: () throws -> Void) throws {
        let struck = Mutex(false)
        VaultFile.afterOpening.withLock {
            $0[place.vault] = {
                guard struck.withLock({ done in defer { done = true }; return !done }) else { return }
                #expect(throws: Never.self) { try strike() }
            }
        }
        defer { _ = VaultFile.afterOpening.withLock { $0.removeValue(forKey: place.vault) } }
        try read()
        #expect(struck.withLock { $0 }, "the writer never struck")
    }

    @Test("a namespace cleared (old inode wiped) under a reader: the reader gets the new vault")
    func namespaceClearedMidRead() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("kept"))
        try place.storage(namespace: "other").writeTokens(sampleTokens("cleared"))
        let vault = place.vault
        let keyfile = place.keyfile
        try striking(place, {
            try VaultTokenStorage(path: vault, key: .keyfile(path: keyfile), namespace: "other").clearTokens()
        }) { () throws in
            #expect(try place.storage().readTokens() == sampleTokens("kept"))
        }
        try striking(place, {
            try VaultTokenStorage(path: vault, key: .keyfile(path: keyfile), namespace: "other").writeTokens(sampleTokens("back"))
            try VaultTokenStorage(path: vault, key: .keyfile(path: keyfile), namespace: "other").clearTokens()
        }) { () throws in
            #expect(try place.storage().readAllNamespaces() == ["tokens": sampleTokens("kept")])
        }
        #expect(try VaultTokenStorage.inspect(path: vault).formatVersion == 1)
    }

    @Test("a vault cleared away under a reader: the reader finds no vault")
    func vaultClearedMidRead() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("gone"))
        let vault = place.vault
        let keyfile = place.keyfile
        try striking(place, { try VaultTokenStorage(path: vault, key: .keyfile(path: keyfile)).clearTokens() }) { () throws in
            #expect(try place.storage().readTokens() == [:])
        }
        try place.storage().writeTokens(sampleTokens("again"))
        try striking(place, { try VaultTokenStorage.destroyVaultWithoutKey(path: vault) }) { () throws in
            #expect(throws: VaultError.missingVault(path: vault)) { try VaultTokenStorage.inspect(path: vault) }
        }
    }

    @Test("a rekey under a reader: the reader gets the new vault, which its old key does not open")
    func rekeyedMidRead() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("r"))
        let newKeyfile = try place.otherKeyfile()
        let vault = place.vault
        let keyfile = place.keyfile
        try striking(place, {
            try VaultTokenStorage(path: vault, key: .keyfile(path: keyfile)).rekey(to: .keyfile(path: newKeyfile))
        }) { () throws in
            #expect(throws: VaultError.wrongKey(path: vault)) { try place.storage().readTokens() }
        }
        #expect(try VaultTokenStorage(path: vault, key: .keyfile(path: newKeyfile)).readTokens() == sampleTokens("r"))
    }

    @Test("a file that really is damaged is still reported as damaged")
    func realDamageIsReported() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("d"))
        let descriptor = open(place.vault, O_WRONLY)
        #expect(descriptor >= 0)
        #expect(pwrite(descriptor, [0x00, 0x00], 2, 0) == 2)
        close(descriptor)
        #expect(throws: VaultError.notAVault(path: place.vault)) { try place.storage().readTokens() }
    }
}
