/// A 32-byte symmetric key in secure memory: a vault's master key, a derived box key, or the
/// key read from a keyfile. Compared in constant time; prints no bytes.
public final class SymmetricKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The size of every key in this package (secretbox and keyed BLAKE2b-256 both use 32).
    public static let byteCount = 32

    let storage: SecureBytes

    /// Takes ownership of `bytes`, which must be exactly `byteCount` long.
    public init(_ bytes: SecureBytes) throws(CryptoError) {
        guard bytes.count == SymmetricKey.byteCount else {
            throw .invalidLength(of: "key", expected: "\(SymmetricKey.byteCount) bytes", actual: bytes.count)
        }
        storage = bytes
    }

    /// Copies `bytes` into secure memory; the caller wipes its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count == SymmetricKey.byteCount else {
            throw .invalidLength(of: "key", expected: "\(SymmetricKey.byteCount) bytes", actual: bytes.count)
        }
        try self.init(try SecureBytes(copying: bytes))
    }

    /// A fresh key from the system CSPRNG, drawn directly into secure memory.
    public static func random() throws(CryptoError) -> SymmetricKey {
        try SymmetricKey(try SecureBytes(randomCount: byteCount))
    }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try storage.withUnsafeBytes(body)
    }

    /// The key as 64 lowercase hex digits in secure memory (for writing a keyfile).
    public func hexEncoded() throws(CryptoError) -> SecureBytes {
        try storage.hexEncoded()
    }

    /// Constant time.
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }

    public var description: String { "SymmetricKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
