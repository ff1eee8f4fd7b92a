internal import CSodium

/// SHA-256 from libsodium, for digests that are not secret-keyed (PKCE's S256 code challenge).
/// NativeLogin needs it and Foundation on Linux has no hash; routing it through VaultCrypto keeps
/// libsodium behind the one module that talks to it and keeps hand-written crypto out.
public enum SHA256 {
    /// Digest length in bytes.
    public static let byteCount = Int(crypto_hash_sha256_BYTES)

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialised()
        var digest = [UInt8](repeating: 0, count: byteCount)
        let status = digest.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                crypto_hash_sha256(out.baseAddress!, input.baseAddress, UInt64(input.count))
            }
        }
        // crypto_hash_sha256 has no failure path for in-memory input; a non-zero status would mean
        // a broken libsodium, which must not yield a digest of zeros.
        precondition(status == 0, "crypto_hash_sha256 failed")
        return digest
    }
}
