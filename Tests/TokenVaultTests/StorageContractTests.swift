import StorageContract
import Testing
import Tokens
import TokenVault

/// The vault keeps the promises every `TokenStorage` makes (the suite the other storages run).
@Suite("Vault storage contract")
struct VaultStorageContractTests {
    @Test("keyfile vault")
    func keyfileVault() throws {
        let place = try VaultPlace()
        try checkStorageContract { place.storage() }
    }

    @Test("passphrase vault")
    func passphraseVault() throws {
        let place = try VaultPlace()
        try checkStorageContract {
            VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("contract"), kdf: cheapKDF))
        }
    }

    @Test("one namespace of a vault that other namespaces share, which the contract leaves untouched")
    func sharedVault() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "neighbour").writeTokens(sampleTokens("neighbour"))
        try checkStorageContract { place.storage(namespace: "contract") }
        #expect(try place.storage(namespace: "neighbour").readTokens() == sampleTokens("neighbour"))
    }
}
