internal import CSodium

/// BLAKE2b (RFC 7693) through libsodium's `crypto_generichash`: unkeyed for checksums, keyed
/// with a `SymmetricKey` as a PRF for subkeys and key commitments.
public enum BLAKE2b {
    /// Output sizes libsodium's generichash supports.
    public static let outputByteCounts: ClosedRange<Int> = 16...64

    /// Unkeyed hash; `outputByteCount` must be within `outputByteCounts`.
    public static func hash(_ message: [UInt8], outputByteCount: Int) throws(CryptoError) -> [UInt8] {
        // Array.withUnsafeBytes only rethrows untyped errors; carry the typed one out.
        try message.withUnsafeBytes { bytes in
            Result { () throws(CryptoError) in try hash(bytes, key: nil, outputByteCount: outputByteCount) }
        }.get()
    }

    /// Keyed hash with a public result (a key commitment, a MAC).
    public static func hash(_ message: [UInt8], key: SymmetricKey, outputByteCount: Int) throws(CryptoError) -> [UInt8] {
        try message.withUnsafeBytes { bytes in
            key.withUnsafeBytes { keyBytes in
                Result { () throws(CryptoError) in try hash(bytes, key: keyBytes, outputByteCount: outputByteCount) }
            }
        }.get()
    }

    /// A 32-byte subkey: keyed BLAKE2b-256 of `message` under `key`, written straight into
    /// secure memory. Distinct messages (start them with a domain label) give independent keys.
    public static func deriveKey(from key: SymmetricKey, message: [UInt8]) throws(CryptoError) -> SymmetricKey {
        let output = try SecureBytes(count: SymmetricKey.byteCount)
        message.withUnsafeBytes { messageBytes in
            key.withUnsafeBytes { keyBytes in
                output.withUnsafeMutableBytes { out in
                    generichash(into: out, message: messageBytes, key: keyBytes)
                }
            }
        }
        return try SymmetricKey(output)
    }

    /// Any key size libsodium accepts (16...64 bytes, or none); internal for the reference
    /// known-answer tests, which use 64-byte keys.
    static func hash(_ message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer?, outputByteCount: Int) throws(CryptoError) -> [UInt8] {
        Sodium.ensureInitialised()
        guard outputByteCounts.contains(outputByteCount) else {
            throw .invalidLength(of: "BLAKE2b output", expected: "16...64 bytes", actual: outputByteCount)
        }
        if let key, !(crypto_generichash_keybytes_min()...crypto_generichash_keybytes_max()).contains(key.count) {
            throw .invalidLength(of: "BLAKE2b key", expected: "16...64 bytes", actual: key.count)
        }
        return [UInt8](unsafeUninitializedCapacity: outputByteCount) { out, initialised in
            generichash(into: UnsafeMutableRawBufferPointer(out), message: message, key: key)
            initialised = outputByteCount
        }
    }

    /// Lengths are checked by every caller (32-byte keys and outputs, or checked sizes).
    static func generichash(into out: UnsafeMutableRawBufferPointer, message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer?) {
        var emptyMessage: UInt8 = 0
        let result = withUnsafeMutablePointer(to: &emptyMessage) { empty in
            crypto_generichash(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count,
                message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(empty), UInt64(message.count),
                key?.baseAddress?.assumingMemoryBound(to: UInt8.self), key?.count ?? 0)
        }
        precondition(result == 0, "crypto_generichash cannot fail for checked sizes")
    }
}
