internal import CSodium

extension SecretBox {
    /// Seals under the subkey BLAKE2b-256(key: `master`, message: `context`) without that
    /// subkey ever leaving this call: it lives in a stack buffer wiped with `sodium_memzero`
    /// right after use, as libsodium's own subkeys (secretbox's HSalsa20 and Poly1305 keys)
    /// do. Same bytes as `deriveKey` then `seal`, minus a secure-memory allocation, which costs
    /// more (~15 µs: mmap, mprotect, mlock) than the cryptography of a small vault.
    public static func seal(
        _ plaintext: SecureBytes, nonce: Nonce, usingKeyDerivedFrom master: SymmetricKey, context: [UInt8],
        prefixedBy prefix: [UInt8] = []
    ) -> [UInt8] {
        withDerivedKey(from: master, context: context) { subkey in
            plaintext.withUnsafeBytes { seal($0, nonce: nonce, key: subkey, prefixedBy: prefix) }
        }
    }

    /// Opens a box sealed by the function above; see `open(_:nonce:using:)` for the errors.
    public static func open(
        _ sealed: UnsafeRawBufferPointer, nonce: Nonce, usingKeyDerivedFrom master: SymmetricKey, context: [UInt8]
    ) throws(CryptoError) -> SecureBytes {
        try withDerivedKey(from: master, context: context) { (subkey) throws(CryptoError) -> SecureBytes in
            try open(sealed, nonce: nonce, key: subkey)
        }
    }

    /// `open(_:nonce:usingKeyDerivedFrom:context:)` into a caller's secure buffer, which must
    /// be exactly `sealed.count - macByteCount` bytes (`invalidLength` otherwise).
    public static func open(
        _ sealed: UnsafeRawBufferPointer, nonce: Nonce, usingKeyDerivedFrom master: SymmetricKey, context: [UInt8],
        into plaintext: SecureBytes
    ) throws(CryptoError) {
        try withDerivedKey(from: master, context: context) { (subkey) throws(CryptoError) in
            try open(sealed, nonce: nonce, key: subkey, into: plaintext)
        }
    }

    private static func withDerivedKey<R, E: Error>(
        from master: SymmetricKey, context: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        Sodium.ensureInitialised()
        var subkey = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        defer { withUnsafeMutableBytes(of: &subkey) { SecureMemory.wipe($0) } }
        withUnsafeMutableBytes(of: &subkey) { out in
            context.withUnsafeBytes { message in
                master.withUnsafeBytes { key in
                    BLAKE2b.generichash(into: out, message: message, key: key)
                }
            }
        }
        return try withUnsafeBytes(of: &subkey) { (bytes) throws(E) -> R in try body(bytes) }
    }
}
