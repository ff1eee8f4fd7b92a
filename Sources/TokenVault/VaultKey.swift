public import VaultCrypto

/// Argon2id cost presets: libsodium's interactive, moderate and sensitive limits.
public enum KDFPreset: String, CaseIterable, Sendable {
    case interactive, moderate, sensitive
}

/// Where the vault's master key comes from.
public enum VaultKey: Sendable {
    /// A keyfile written by `Keyfile.generate(at:)`.
    case keyfile(path: String)
    /// A passphrase stretched with Argon2id. `kdf` is the cost used when a vault is created or
    /// rekeyed; reading always uses the parameters recorded in the vault's header.
    case passphrase(Passphrase, kdf: KDFPreset)
}
