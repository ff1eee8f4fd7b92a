/// A passphrase held in secure memory. It is never a `String`, prints no bytes and is compared
/// in constant time.
public final class Passphrase: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let bytes: SecureBytes

    /// Takes ownership of `bytes`; an empty passphrase is refused.
    public init(_ bytes: SecureBytes) throws(CryptoError) {
        guard bytes.count > 0 else { throw .emptyPassphrase }
        // libsodium's crypto_pwhash refuses longer passwords; say so here rather than at use.
        guard UInt64(bytes.count) <= Passphrase.maximumByteCount else {
            throw .invalidLength(of: "passphrase", expected: "at most \(Passphrase.maximumByteCount) bytes", actual: bytes.count)
        }
        self.bytes = bytes
    }

    /// Copies `bytes` into secure memory; the caller wipes its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        try self.init(try SecureBytes(copying: bytes))
    }

    /// 4 GiB - 1, crypto_pwhash_argon2id_PASSWD_MAX on 64-bit platforms.
    public static let maximumByteCount: UInt64 = 0xFFFF_FFFF

    public func constantTimeEquals(_ other: Passphrase) -> Bool {
        bytes.constantTimeEquals(other.bytes)
    }

    public var description: String { "Passphrase(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
