internal import CSodium

/// Bytes in libsodium secure memory (guard pages, locked where the system allows), zeroed on
/// release. Keys, passphrases and decrypted vault plaintext live here, never in a `String` or
/// `[UInt8]` that the allocator may copy around and leave behind.
public final class SecureBytes: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // @unchecked: the buffer is written only during initialisation or through
    // withUnsafeMutableBytes by the single owner; shared instances are only read.
    private let pointer: UnsafeMutableRawPointer
    public let count: Int

    /// A zero-filled buffer of `count` bytes.
    public convenience init(count: Int) throws(CryptoError) {
        try self.init(uninitializedCount: count)
        sodium_memzero(pointer, max(count, 1))
    }

    /// A buffer of `count` bytes for a caller that fills it at once (a file read into it): not
    /// zeroed first, which for a large vault is a pass over its whole size for nothing. It
    /// holds libsodium's fill pattern in freshly mapped pages, never anyone's earlier data.
    public init(uninitializedCount count: Int) throws(CryptoError) {
        Sodium.ensureInitialised()
        // sodium_malloc(0) is legal but returns a pointer we may not touch; one byte keeps the
        // pointer arithmetic in this class uniform.
        guard count >= 0, let allocated = sodium_malloc(max(count, 1)) else {
            throw .secureMemoryUnavailable(requestedBytes: count)
        }
        pointer = allocated
        self.count = count
    }

    /// A copy of `bytes`. The caller remains responsible for wiping its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        try self.init(uninitializedCount: bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 {
            pointer.copyMemory(from: base, byteCount: bytes.count)
        }
    }

    /// `count` bytes from the system CSPRNG, drawn directly into secure memory.
    public convenience init(randomCount count: Int) throws(CryptoError) {
        try self.init(count: count)
        if count > 0 {
            randombytes_buf(pointer, count)
        }
    }

    /// The first `prefixCount` bytes of `other`, copied into a new secure buffer.
    public convenience init(prefix prefixCount: Int, of other: SecureBytes) throws(CryptoError) {
        precondition(prefixCount >= 0 && prefixCount <= other.count, "prefix out of range")
        try self.init(count: prefixCount)
        if prefixCount > 0 {
            pointer.copyMemory(from: other.pointer, byteCount: prefixCount)
        }
    }

    deinit {
        // sodium_free zeroes the whole allocation before releasing it.
        sodium_free(pointer)
    }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison: the time taken does not depend on where the bytes differ
    /// (it does depend on the lengths, which are never secret here).
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        if count == 0 { return true }
        return sodium_memcmp(pointer, other.pointer, count) == 0
    }

    /// Zeroes the bytes now, for a buffer that stays alive but whose contents are spent.
    public func wipe() {
        sodium_memzero(pointer, max(count, 1))
    }

    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["count": count]) }
}
