/// The constants of vault format version 1; SECURITY.md documents each byte.
///
///     offset size field
///          0    8 magic "FRLVAULT"
///          8    1 format version = 1
///          9    1 key derivation: 0 = keyfile (raw key), 1 = Argon2id v1.3
///         10    2 reserved, zero
///         12    8 Argon2id opslimit, u64 little-endian (0 for keyfiles)
///         20    8 Argon2id memlimit in bytes, u64 little-endian (0 for keyfiles)
///         28   16 salt
///         44   24 secretbox nonce
///         68   32 key commitment
///        100   16 header checksum
///        116    . secretbox: 16-byte tag, then the padded plaintext's ciphertext
enum VaultFormat {
    static let magic: [UInt8] = Array("FRLVAULT".utf8)
    static let version: UInt8 = 1
    /// The largest vault file readers accept (and so writers may write): SecureFile's read cap.
    static let maximumFileSize = 64 << 20

    enum Offset {
        static let magic = 0
        static let version = 8
        static let keyDerivation = 9
        static let reserved = 10
        static let opsLimit = 12
        static let memLimit = 20
        static let salt = 28
        static let nonce = 44
        static let commitment = 68
        static let checksum = 100
        static let sealedBox = 116
    }

    static let commitmentByteCount = 32
    static let checksumByteCount = 16
    static let headerByteCount = Offset.sealedBox

    /// Domain labels for the two keyed hashes of the master key. Neither is a prefix of the
    /// other, so no message for one can equal a message for the other.
    static let boxKeyLabel: [UInt8] = Array("frl-vault v1 box key".utf8)
    static let commitmentLabel: [UInt8] = Array("frl-vault v1 key commitment".utf8)

    /// The value of the plaintext document's "frl_vault" member.
    static let plaintextVersion = 1
}

/// The key-derivation byte at offset 9.
enum KeyDerivationID: UInt8, Sendable {
    case keyfile = 0
    case argon2id13 = 1
}
