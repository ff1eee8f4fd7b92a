internal import CSodium

/// The process-wide libsodium state and the few primitives every other type builds on.
public enum Sodium {
    private static let initialised: Bool = {
        guard sodium_init() >= 0 else { return false }
        // The wrappers hard-code sizes as Swift constants so they can be checked before any
        // pointer reaches C; refuse to run against a libsodium whose sizes differ.
        return crypto_secretbox_keybytes() == SymmetricKey.byteCount
            && crypto_secretbox_noncebytes() == SecretBox.Nonce.byteCount
            && crypto_secretbox_macbytes() == SecretBox.macByteCount
            && crypto_pwhash_argon2id_saltbytes() == Argon2id.Salt.byteCount
            && crypto_generichash_bytes_min() == BLAKE2b.outputByteCounts.lowerBound
            && crypto_generichash_bytes_max() == BLAKE2b.outputByteCounts.upperBound
            && crypto_generichash_keybytes_min() <= SymmetricKey.byteCount
            && crypto_generichash_keybytes_max() >= SymmetricKey.byteCount
            && UInt64(crypto_pwhash_argon2id_opslimit_min()) <= Argon2idParameters.acceptedOps.lowerBound
            && UInt64(crypto_pwhash_argon2id_memlimit_min()) <= Argon2idParameters.acceptedMem.lowerBound
    }()

    /// Calls `sodium_init` once; every entry point into libsodium goes through here first.
    static func ensureInitialised() {
        precondition(initialised, "libsodium failed to initialise or has unexpected sizes")
    }

    /// `count` bytes from the system CSPRNG, for public values (nonces, salts). Secrets are
    /// drawn straight into secure memory with `SecureBytes(randomCount:)` instead.
    public static func randomBytes(count: Int) -> [UInt8] {
        ensureInitialised()
        precondition(count >= 0, "negative byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            if let base = buffer.baseAddress, count > 0 {
                randombytes_buf(base, count)
            }
            initialised = count
        }
    }
}
