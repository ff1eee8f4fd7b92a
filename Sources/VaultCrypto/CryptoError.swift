/// Failures of the cryptographic layer. None carries key or plaintext bytes.
public enum CryptoError: Error, Equatable, Sendable {
    /// `sodium_malloc` refused: the secure-memory (mlock) limit may be too low.
    case secureMemoryUnavailable(requestedBytes: Int)
    /// An empty passphrase was offered; it would protect nothing.
    case emptyPassphrase
}
