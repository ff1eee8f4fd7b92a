internal import VaultCrypto

/// What a codec opens and seals vaults with: a raw 32-byte key (from a keyfile) or a
/// passphrase and the Argon2id cost to use when it creates a vault. Reading always uses the
/// cost recorded in the vault's header.
enum KeyMaterial: Sendable {
    case rawKey(SymmetricKey)
    case passphrase(Passphrase, Argon2idParameters)

    /// How a vault sealed with this material names its key kind in errors.
    var kindDescription: String {
        switch self {
        case .rawKey: "a keyfile"
        case .passphrase: "a passphrase"
        }
    }
}
