import TokenVault
import Tokens

/// An empty keyfile vault in a private temp directory, for tests that hand its paths to child
/// processes as well as opening it themselves.
struct KeyfileVault {
    let directory: TemporaryDirectory
    let keyfile: String
    let vault: String
    let key: VaultKey

    init() throws {
        directory = try TemporaryDirectory()
        keyfile = directory.file("vault.key")
        vault = directory.file("tokens.vault")
        key = .keyfile(path: keyfile)
        try Keyfile.generate(at: keyfile)
        try VaultTokenStorage.create(path: vault, key: key)
    }

    func storage(namespace: String = LoginFixture.clientID, lockTimeoutSeconds: Double? = nil) -> VaultTokenStorage {
        guard let lockTimeoutSeconds else { return VaultTokenStorage(path: vault, key: key, namespace: namespace) }
        return VaultTokenStorage(path: vault, key: key, namespace: namespace, lockTimeoutSeconds: lockTimeoutSeconds)
    }
}
