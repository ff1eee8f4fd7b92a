import Glibc
@testable import SecureFiles
import Testing
import Tokens
import TokenVault

@Suite("Rekey when the old copy cannot be wiped")
struct RekeyWipeFailureTests {
    @Test("a wipe failing after the rename is its own error, and the instance goes on with the new key")
    func wipeFailsAfterRename() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("r"))
        let newKeyfile = try place.otherKeyfile()
        let storage = place.storage()
        #expect(try storage.readTokens() == sampleTokens("r"))
        // As a disk failing under the overwrite would (test seam in SecureFiles).
        SecureFile.failingOverwrites.withLock { _ = $0.insert(place.vault) }
        #expect(throws: VaultError.rekeyedButOldCopyNotWiped(path: place.vault)) {
            try storage.rekey(to: .keyfile(path: newKeyfile))
        }
        SecureFile.failingOverwrites.withLock { _ = $0.remove(place.vault) }
        // The vault is under the new key, and this instance knows it.
        #expect(try storage.readTokens() == sampleTokens("r"))
        #expect(try VaultTokenStorage(path: place.vault, key: .keyfile(path: newKeyfile)).readTokens() == sampleTokens("r"))
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try place.storage().readTokens() }
        try storage.writeTokens(sampleTokens("after"))
        #expect(try VaultTokenStorage(path: place.vault, key: .keyfile(path: newKeyfile)).readTokens() == sampleTokens("after"))
    }

    @Test("the error says the vault opens with the new key only and the old bytes may remain")
    func errorText() {
        let text = VaultError.rekeyedButOldCopyNotWiped(path: "/v").description
        #expect(text.contains("opens with the new key only"))
        #expect(text.contains("may remain on disk"))
    }
}
