internal import ArgumentParser
internal import VaultCrypto

/// `--kdf`: libsodium's Argon2id presets by name.
enum KDFPreset: String, NamedChoice {
    case interactive, moderate, sensitive

    static let defaultPreset = KDFPreset.moderate

    var parameters: Argon2idParameters {
        switch self {
        case .interactive: return .interactive
        case .moderate: return .moderate
        case .sensitive: return .sensitive
        }
    }

    /// The preset whose parameters these are, if any.
    static func named(opsLimit: UInt64, memLimitBytes: UInt64) -> KDFPreset? {
        allCases.first { $0.parameters.opsLimit == opsLimit && $0.parameters.memLimitBytes == memLimitBytes }
    }
}
