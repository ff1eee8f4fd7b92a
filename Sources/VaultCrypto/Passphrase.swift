/// A passphrase held in secure memory. It is never a `String`, prints no bytes and is compared
/// in constant time.
public final class Passphrase: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let bytes: SecureBytes

    /// Takes ownership of `bytes`; an empty passphrase is refused.
    public init(_ bytes: SecureBytes) throws(CryptoError) {
        guard bytes.count > 0 else { throw .emptyPassphrase }
        self.bytes = bytes
    }

    public func constantTimeEquals(_ other: Passphrase) -> Bool {
        bytes.constantTimeEquals(other.bytes)
    }

    public var description: String { "Passphrase(redacted)" }
    public var debugDescription: String { description }
}
