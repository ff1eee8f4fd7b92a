import Glibc
import Testing
import Tokens
@testable import TokenVault
import VaultCrypto

/// Readers accept Argon2id costs down to libsodium's minimum; writers refuse anything below
/// the interactive preset, so that a toy cost is never created and never kept by a rewrite.
@Suite("Toy Argon2id costs")
struct ToyCostTests {
    /// Costs no other test registers, so the seam cannot hide a refusal here.
    static let toy: Argon2idParameters = cost(1, 24 << 10)
    static let fewPasses: Argon2idParameters = cost(1, 64 << 20)
    /// The one the second test lets through for a moment, to make a toy vault.
    static let olderToy: Argon2idParameters = cost(1, 40 << 10)

    private static func cost(_ passes: UInt64, _ bytes: UInt64) -> Argon2idParameters {
        do { return try Argon2idParameters(opsLimit: passes, memLimitBytes: bytes) } catch { fatalError("\(error)") }
    }

    @Test("create and rekey refuse a cost below interactive, in either dimension, and change nothing")
    func writersRefuse() throws {
        let place = try VaultPlace()
        for cost in [Self.toy, Self.fewPasses] {
            let key = VaultKey.passphrase(try passphrase("toy"), kdf: cost)
            #expect(throws: VaultError.self) { try VaultTokenStorage.create(path: place.vault, key: key) }
            #expect(!exists(place.vault) && !exists(place.vault + ".lock"))
            #expect {
                try VaultTokenStorage(path: place.vault, key: key).writeTokens(sampleTokens("t"))
            } throws: { error in
                guard case .unsafeKDFParameters(let path, let reason)? = error as? VaultError else { return false }
                return path == place.vault && reason.contains("below the interactive preset")
            }
        }
        try place.storage().writeTokens(sampleTokens("k"))
        let before = try #require(contents(of: place.vault))
        #expect(throws: VaultError.self) {
            try place.storage().rekey(to: .passphrase(try passphrase("toy"), kdf: Self.toy))
        }
        #expect(contents(of: place.vault) == before)
    }

    @Test("a vault that already has a toy cost is read, refuses rewrites, and can be rekeyed to a preset")
    func existingToyVault() throws {
        let place = try VaultPlace()
        let key = VaultKey.passphrase(try passphrase("old"), kdf: Self.olderToy)
        // As an older writer (or another implementation) could have made it.
        VaultCodec.acceptedBelowInteractive.withLock { _ = $0.insert(Self.olderToy) }
        try VaultTokenStorage(path: place.vault, key: key).writeTokens(sampleTokens("o"))
        VaultCodec.acceptedBelowInteractive.withLock { _ = $0.remove(Self.olderToy) }
        #expect(try VaultTokenStorage(path: place.vault, key: key).readTokens() == sampleTokens("o"))
        #expect(throws: VaultError.self) { try VaultTokenStorage(path: place.vault, key: key).writeTokens(sampleTokens("n")) }
        let better = VaultKey.passphrase(try passphrase("old"), kdf: .interactive)
        try VaultTokenStorage(path: place.vault, key: key).rekey(to: better)
        #expect(try VaultTokenStorage.inspect(path: place.vault).keyDerivation == .argon2id(opsLimit: 2, memLimitBytes: 64 << 20))
        try VaultTokenStorage(path: place.vault, key: better).writeTokens(sampleTokens("n"))
    }
}
