internal import CSodium

/// Wiping and comparing ordinary buffers that briefly held something sensitive.
public enum SecureMemory {
    /// Zeroes `buffer` with `sodium_memzero`, which the compiler may not optimise away.
    public static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        sodium_memzero(base, buffer.count)
    }

    /// Zeroes the array's storage in place (it must be uniquely referenced to be the only copy).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { wipe($0) }
    }

    /// Constant-time equality of two equally long buffers; different lengths are unequal
    /// (lengths are never secret in this package).
    public static func constantTimeEquals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress, lhs.count > 0 else { return true }
        return sodium_memcmp(left, right, lhs.count) == 0
    }

    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in constantTimeEquals(left, right) } }
    }
}
