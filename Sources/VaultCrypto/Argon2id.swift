internal import CSodium

/// Passphrase stretching with Argon2id v1.3 through libsodium's `crypto_pwhash`, one lane.
public enum Argon2id {
    /// A 16-byte Argon2id salt: public, random, one per vault.
    public struct Salt: Sendable, Hashable {
        public static let byteCount = 16
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) throws(CryptoError) {
            guard bytes.count == Salt.byteCount else {
                throw .invalidLength(of: "salt", expected: "\(Salt.byteCount) bytes", actual: bytes.count)
            }
            self.bytes = bytes
        }

        /// A fresh salt from the system CSPRNG.
        public static func random() -> Salt {
            Salt(unchecked: Sodium.randomBytes(count: byteCount))
        }

        private init(unchecked bytes: [UInt8]) {
            self.bytes = bytes
        }
    }

    /// Derives a 32-byte key from `passphrase`. The parameters are checked again here, before
    /// any memory is requested, so no path can reach libsodium with unchecked values.
    public static func deriveKey(
        from passphrase: Passphrase, salt: Salt, parameters: Argon2idParameters
    ) throws(CryptoError) -> SymmetricKey {
        if let problem = Argon2idParameters.boundsProblem(
            opsLimit: parameters.opsLimit, memLimitBytes: parameters.memLimitBytes)
        {
            throw .kdfParametersOutOfBounds(reason: problem)
        }
        let derived = try passphrase.bytes.withUnsafeBytes { (password) throws(CryptoError) -> SecureBytes in
            try deriveBytes(
                password: password, salt: salt, opsLimit: parameters.opsLimit,
                memLimitBytes: parameters.memLimitBytes, outputByteCount: SymmetricKey.byteCount)
        }
        return try SymmetricKey(derived)
    }

    /// The raw libsodium call, bounded only by libsodium's own limits. Internal so the
    /// known-answer tests can reach libsodium's published vectors, whose memory sizes are not
    /// whole KiB; everything else goes through `deriveKey`.
    static func deriveBytes(
        password: UnsafeRawBufferPointer, salt: Salt, opsLimit: UInt64, memLimitBytes: UInt64, outputByteCount: Int
    ) throws(CryptoError) -> SecureBytes {
        Sodium.ensureInitialised()
        guard outputByteCount >= crypto_pwhash_argon2id_bytes_min(), outputByteCount <= 1024 else {
            throw .invalidLength(of: "Argon2id output", expected: "16...1024 bytes", actual: outputByteCount)
        }
        guard UInt64(password.count) <= Passphrase.maximumByteCount else {
            throw .invalidLength(of: "passphrase", expected: "at most \(Passphrase.maximumByteCount) bytes", actual: password.count)
        }
        guard let memLimit = Int(exactly: memLimitBytes) else {
            throw .kdfParametersOutOfBounds(reason: "memlimit \(memLimitBytes) does not fit in size_t")
        }
        let output = try SecureBytes(count: outputByteCount)
        // An empty buffer may have no base address; libsodium reads no bytes when the length
        // is zero but still wants a non-null pointer.
        var emptyPassword: CChar = 0
        let result = withUnsafeMutablePointer(to: &emptyPassword) { empty in
            output.withUnsafeMutableBytes { out in
                salt.bytes.withUnsafeBufferPointer { saltBytes in
                    crypto_pwhash(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        UInt64(outputByteCount),
                        password.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(empty),
                        UInt64(password.count),
                        saltBytes.baseAddress!,
                        opsLimit,
                        memLimit,
                        // Always explicit: crypto_pwhash_ALG_DEFAULT may change between
                        // releases, and a vault must derive the same key forever.
                        crypto_pwhash_alg_argon2id13())
                }
            }
        }
        guard result == 0 else { throw .keyDerivationFailed }
        return output
    }
}
