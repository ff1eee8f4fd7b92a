internal import CSodium

/// libsodium's secretbox (XSalsa20-Poly1305), "easy" layout: the 16-byte Poly1305 tag first,
/// then the ciphertext, which is as long as the plaintext.
public enum SecretBox {
    public static let macByteCount = 16

    /// A 24-byte secretbox nonce. Public, but it must never repeat under one key; XSalsa20's
    /// 192-bit nonce makes random ones safe to use without a counter.
    public struct Nonce: Sendable, Hashable {
        public static let byteCount = 24
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) throws(CryptoError) {
            guard bytes.count == Nonce.byteCount else {
                throw .invalidLength(of: "nonce", expected: "\(Nonce.byteCount) bytes", actual: bytes.count)
            }
            self.bytes = bytes
        }

        /// A fresh nonce from the system CSPRNG.
        public static func random() -> Nonce {
            Nonce(unchecked: Sodium.randomBytes(count: byteCount))
        }

        private init(unchecked bytes: [UInt8]) {
            self.bytes = bytes
        }
    }

    /// Returns `prefix` followed by the sealed `plaintext` (tag, then ciphertext), built in one
    /// allocation so a vault file needs no second copy of its ciphertext.
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer, nonce: Nonce, using key: SymmetricKey, prefixedBy prefix: [UInt8] = []
    ) -> [UInt8] {
        key.withUnsafeBytes { seal(plaintext, nonce: nonce, key: $0, prefixedBy: prefix) }
    }

    /// `key` is exactly `SymmetricKey.byteCount` bytes: every caller holds a typed key.
    static func seal(
        _ plaintext: UnsafeRawBufferPointer, nonce: Nonce, key: UnsafeRawBufferPointer, prefixedBy prefix: [UInt8]
    ) -> [UInt8] {
        Sodium.ensureInitialised()
        precondition(key.count == SymmetricKey.byteCount, "secretbox key size")
        let sealedCount = macByteCount + plaintext.count
        return [UInt8](unsafeUninitializedCapacity: prefix.count + sealedCount) { output, initialised in
            guard let outputBase = output.baseAddress else {
                initialised = 0
                return
            }
            prefix.withUnsafeBufferPointer { prefixBytes in
                if let prefixBase = prefixBytes.baseAddress, prefix.count > 0 {
                    outputBase.update(from: prefixBase, count: prefix.count)
                }
            }
            nonce.bytes.withUnsafeBufferPointer { nonceBytes in
                // Every length was fixed by a type check or computed above; the C call
                // reads plaintext.count bytes and writes exactly sealedCount.
                let result = crypto_secretbox_easy(
                    outputBase + prefix.count,
                    plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(outputBase),
                    UInt64(plaintext.count),
                    nonceBytes.baseAddress!,
                    key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                precondition(result == 0, "crypto_secretbox_easy cannot fail for valid sizes")
            }
            initialised = prefix.count + sealedCount
        }
    }

    /// Seals the bytes of a secure buffer.
    public static func seal(
        _ plaintext: SecureBytes, nonce: Nonce, using key: SymmetricKey, prefixedBy prefix: [UInt8] = []
    ) -> [UInt8] {
        plaintext.withUnsafeBytes { seal($0, nonce: nonce, using: key, prefixedBy: prefix) }
    }

    /// Verifies the tag and decrypts into secure memory. Nothing is decrypted unless the tag
    /// verifies; any failure is `authenticationFailed` (or `invalidLength` if `sealed` is
    /// shorter than a tag).
    public static func open(_ sealed: UnsafeRawBufferPointer, nonce: Nonce, using key: SymmetricKey) throws(CryptoError) -> SecureBytes {
        try key.withUnsafeBytes { (keyBytes) throws(CryptoError) -> SecureBytes in try open(sealed, nonce: nonce, key: keyBytes) }
    }

    /// `key` is exactly `SymmetricKey.byteCount` bytes: every caller holds a typed key.
    static func open(_ sealed: UnsafeRawBufferPointer, nonce: Nonce, key: UnsafeRawBufferPointer) throws(CryptoError) -> SecureBytes {
        guard sealed.count >= macByteCount, sealed.baseAddress != nil else {
            throw .invalidLength(of: "sealed box", expected: "at least \(macByteCount) bytes", actual: sealed.count)
        }
        let plaintext = try SecureBytes(count: sealed.count - macByteCount)
        try open(sealed, nonce: nonce, key: key, into: plaintext)
        return plaintext
    }

    /// `open` into a caller's buffer of exactly the plaintext's size (so a caller decrypting
    /// again and again can keep one secure allocation). On failure the buffer holds no
    /// plaintext: libsodium checks the tag before decrypting anything.
    static func open(_ sealed: UnsafeRawBufferPointer, nonce: Nonce, key: UnsafeRawBufferPointer, into plaintext: SecureBytes) throws(CryptoError) {
        Sodium.ensureInitialised()
        precondition(key.count == SymmetricKey.byteCount, "secretbox key size")
        guard sealed.count >= macByteCount, let sealedBase = sealed.baseAddress else {
            throw .invalidLength(of: "sealed box", expected: "at least \(macByteCount) bytes", actual: sealed.count)
        }
        guard plaintext.count == sealed.count - macByteCount else {
            throw .invalidLength(of: "plaintext buffer", expected: "\(sealed.count - macByteCount) bytes", actual: plaintext.count)
        }
        let result = plaintext.withUnsafeMutableBytes { output in
            nonce.bytes.withUnsafeBufferPointer { nonceBytes in
                crypto_secretbox_open_easy(
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    sealedBase.assumingMemoryBound(to: UInt8.self),
                    UInt64(sealed.count),
                    nonceBytes.baseAddress!,
                    key.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard result == 0 else { throw .authenticationFailed }
    }

    public static func open(_ sealed: [UInt8], nonce: Nonce, using key: SymmetricKey) throws(CryptoError) -> SecureBytes {
        try sealed.withUnsafeBytes { bytes in
            Result { () throws(CryptoError) in try open(bytes, nonce: nonce, using: key) }
        }.get()
    }
}
