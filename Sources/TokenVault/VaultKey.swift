public import VaultCrypto

/// Where the vault's master key comes from.
public enum VaultKey: Sendable {
    /// A keyfile written by `Keyfile.generate(at:)`.
    case keyfile(path: String)
    /// A passphrase stretched with Argon2id. `kdf` is the cost used when a vault is created or
    /// rekeyed; reading always uses the parameters recorded in the vault's header.
    case passphrase(Passphrase, kdf: Argon2idParameters)
}

extension VaultKey {
    /// What the codec needs: a keyfile is read (and its permissions checked) here, once per
    /// storage instance; a passphrase is handed over for the codec to stretch and cache.
    func keyMaterial() throws(VaultError) -> KeyMaterial {
        switch self {
        case .keyfile(let path):
            return .rawKey(try Keyfile.load(from: path))
        case .passphrase(let passphrase, let kdf):
            return .passphrase(passphrase, kdf)
        }
    }
}
