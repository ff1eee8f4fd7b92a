import Foundation
@testable import TokenVault
import Tokens
import VaultCrypto

/// Every storage the full login cycle runs against, made fresh in a private temp directory.
enum StorageKind: String, CaseIterable, Sendable {
    case memory
    case json
    case ini
    case multiClient
    case vaultWithKeyfile
    case vaultWithPassphrase

    func make(in directory: TemporaryDirectory, clientID: String = LoginFixture.clientID) throws -> any TokenStorage {
        switch self {
        case .memory: return MemoryTokenStorage()
        case .json: return JSONTokenStorage(path: directory.file("tokens.json"))
        case .ini: return ConfigParserTokenStorage(path: directory.file("tokens.cfg"), section: "tokens")
        case .multiClient: return MultiClientTokenStorage(clientID: clientID, path: directory.file("native-apps.cfg"))
        case .vaultWithKeyfile:
            let key = VaultKey.keyfile(path: directory.file("vault.key"))
            try Keyfile.generate(at: directory.file("vault.key"))
            try VaultTokenStorage.create(path: directory.file("tokens.vault"), key: key)
            return VaultTokenStorage(path: directory.file("tokens.vault"), key: key, namespace: clientID)
        case .vaultWithPassphrase:
            let key = VaultKey.passphrase(try TestPassphrase.make("correct horse battery staple"), kdf: TestPassphrase.cheap)
            try VaultTokenStorage.create(path: directory.file("tokens.vault"), key: key)
            return VaultTokenStorage(path: directory.file("tokens.vault"), key: key, namespace: clientID)
        }
    }
}

enum TestPassphrase {
    /// The cheapest cost the vault reads: these tests are about login, not key stretching.
    /// Writers refuse it outside the tests (`VaultCodec.checkWritable`).
    static let cheap: Argon2idParameters = {
        do {
            let cost = try Argon2idParameters(opsLimit: 1, memLimitBytes: 8192)
            VaultCodec.acceptedBelowInteractive.withLock { _ = $0.insert(cost) }
            return cost
        } catch { fatalError("\(error)") }
    }()

    static func make(_ text: String) throws -> Passphrase {
        try Array(text.utf8).withUnsafeBytes { try Passphrase(copying: $0) }
    }
}
