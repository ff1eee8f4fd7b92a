/// Failures of the cryptographic layer. None carries key, passphrase or plaintext bytes.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `sodium_malloc` refused: the address space or secure-memory limit may be exhausted.
    case secureMemoryUnavailable(requestedBytes: Int)
    /// An empty passphrase was offered; it would protect nothing.
    case emptyPassphrase
    /// A key, nonce, salt, hash or passphrase had the wrong size; checked before any C call.
    case invalidLength(of: String, expected: String, actual: Int)
    /// Argon2id parameters outside `Argon2idParameters`' accepted bounds.
    case kdfParametersOutOfBounds(reason: String)
    /// libsodium's Argon2id failed, almost always because the memory could not be allocated.
    case keyDerivationFailed
    /// Secretbox authentication failed: wrong key, wrong nonce or altered ciphertext.
    case authenticationFailed
    /// The ISO/IEC 7816-4 padding (0x80 then zeros) is absent or malformed.
    case invalidPadding
    /// Text that should be hexadecimal is not, or has the wrong length.
    case invalidHex

    public var description: String {
        switch self {
        case .secureMemoryUnavailable(let requestedBytes):
            "secure memory allocation of \(requestedBytes) bytes failed"
        case .emptyPassphrase:
            "the passphrase is empty"
        case .invalidLength(let of, let expected, let actual):
            "\(of) has \(actual) bytes, expected \(expected)"
        case .kdfParametersOutOfBounds(let reason):
            "Argon2id parameters out of bounds: \(reason)"
        case .keyDerivationFailed:
            "Argon2id key derivation failed (out of memory?)"
        case .authenticationFailed:
            "authentication failed"
        case .invalidPadding:
            "invalid padding"
        case .invalidHex:
            "invalid hexadecimal text"
        }
    }
}
