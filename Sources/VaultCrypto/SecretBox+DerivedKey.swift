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

    /// Opens the box at `box` (tag, then ciphertext) inside `buffer`, which holds a whole file
    /// read straight into secure memory, and decrypts it where the ciphertext lies, returning
    /// the plaintext's range (the box without its tag). No second buffer the size of the box,
    /// and nothing moved. On failure nothing is decrypted: libsodium checks the tag first.
    public static func openInPlace(
        _ buffer: SecureBytes, box: Range<Int>, nonce: Nonce, usingKeyDerivedFrom master: SymmetricKey, context: [UInt8]
    ) throws(CryptoError) -> Range<Int> {
        guard box.lowerBound >= 0, box.upperBound <= buffer.count, box.count >= macByteCount else {
            throw .invalidLength(of: "sealed box", expected: "at least \(macByteCount) bytes", actual: box.count)
        }
        return try withDerivedKey(from: master, context: context) { (subkey) throws(CryptoError) -> Range<Int> in
            Sodium.ensureInitialised()
            let plaintext = (box.lowerBound + macByteCount)..<box.upperBound
            let result = buffer.withUnsafeMutableBytes { bytes in
                nonce.bytes.withUnsafeBufferPointer { nonceBytes in
                    // Lengths checked above. The plaintext is written over the ciphertext it
                    // comes from (libsodium allows the exact overlap).
                    crypto_secretbox_open_easy(
                        (bytes.baseAddress! + plaintext.lowerBound).assumingMemoryBound(to: UInt8.self),
                        (bytes.baseAddress! + box.lowerBound).assumingMemoryBound(to: UInt8.self),
                        UInt64(box.count), nonceBytes.baseAddress!, subkey.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            guard result == 0 else { throw .authenticationFailed }
            return plaintext
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
