public import VaultCrypto

/// Where the vault's master key comes from.
public enum VaultKey: Sendable {
    /// A keyfile written by `Keyfile.generate(at:)`.
    case keyfile(path: String)
    /// A passphrase stretched with Argon2id. `kdf` is the cost used when a vault is created or
    /// rekeyed; reading always uses the parameters recorded in the vault's header.
    case passphrase(Passphrase, kdf: Argon2idParameters)
}
