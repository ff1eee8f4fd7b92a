internal import VaultCrypto

extension VaultError {
    /// Maps a crypto-layer failure met while reading or writing the vault at `path`.
    /// `VaultError` has no case for resource exhaustion, so allocation failures are reported as
    /// `io` with ENOMEM, which is what they are.
    init(_ error: CryptoError, path: String) {
        switch error {
        case .secureMemoryUnavailable:
            self = .resourcesUnavailable(path: path, what: "secure memory for the key")
        case .keyDerivationFailed:
            self = .resourcesUnavailable(path: path, what: "the memory Argon2id needs to derive the key")
        case .kdfParametersOutOfBounds(let reason):
            self = .unsafeKDFParameters(path: path, reason: reason)
        case .authenticationFailed:
            self = .damaged(path: path, reason: "ciphertext authentication failed")
        case .invalidPadding:
            self = .damaged(path: path, reason: "invalid plaintext padding")
        case .emptyPassphrase, .invalidLength, .invalidHex:
            self = .damaged(path: path, reason: error.description)
        }
    }
}
