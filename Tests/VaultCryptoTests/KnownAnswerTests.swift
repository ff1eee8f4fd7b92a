@testable import VaultCrypto
import Testing

/// Published vectors (libsodium's own tests, NaCl, RFC 7693) and vectors from implementations
/// that share no code with libsodium; tools/vectors/crypto_kats.py writes and cross-checks them.
@Suite("Known answers")
struct KnownAnswerTests {
    struct Argon2idVector: Decodable, Sendable, CustomTestStringConvertible {
        var source: String
        var password: String
        var salt: String
        var opsLimit: UInt64
        var memLimitBytes: UInt64
        var output: String
        var testDescription: String { "\(source) ops=\(opsLimit) mem=\(memLimitBytes)" }
    }

    struct BLAKE2bVector: Decodable, Sendable, CustomTestStringConvertible {
        var source: String
        var message: String
        var key: String?
        var output: String
        var testDescription: String { "\(source) key=\((key?.count ?? 0) / 2) out=\(output.count / 2)" }
    }

    struct SecretBoxVector: Decodable, Sendable {
        var key: String
        var nonce: String
        var plaintext: String
        var sealed: String
    }

    static let argon2idVectors: [Argon2idVector] = (try? VectorFiles.load("argon2id.json")) ?? []
    static let blake2bVectors: [BLAKE2bVector] = (try? VectorFiles.load("blake2b.json")) ?? []

    @Test("the vector files are present and complete")
    func vectorFilesLoad() throws {
        #expect(Self.argon2idVectors.count == 12)
        #expect(Self.blake2bVectors.count == 53)
        #expect(try VectorFiles.load("secretbox.json", as: [SecretBoxVector].self).count == 1)
    }

    @Test("Argon2id v1.3 through crypto_pwhash", arguments: argon2idVectors)
    func argon2id(vector: Argon2idVector) throws {
        let password = try [UInt8](hex: vector.password)
        let salt = try Argon2id.Salt(bytes: [UInt8](hex: vector.salt))
        let expected = try [UInt8](hex: vector.output)
        let derived = try password.withUnsafeBytes {
            try Argon2id.deriveBytes(
                password: $0, salt: salt, opsLimit: vector.opsLimit, memLimitBytes: vector.memLimitBytes,
                outputByteCount: expected.count)
        }
        #expect(derived.withUnsafeBytes { Array($0) } == expected)
        // Whole-KiB costs within bounds also go through the public, checked entry point.
        if let parameters = try? Argon2idParameters(opsLimit: vector.opsLimit, memLimitBytes: vector.memLimitBytes),
            expected.count == SymmetricKey.byteCount
        {
            let passphrase = try password.withUnsafeBytes { try Passphrase(copying: $0) }
            let key = try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: parameters)
            #expect(key.withUnsafeBytes { Array($0) } == expected)
        }
    }

    @Test("BLAKE2b, keyed and unkeyed", arguments: blake2bVectors)
    func blake2b(vector: BLAKE2bVector) throws {
        let message = try [UInt8](hex: vector.message)
        let expected = try [UInt8](hex: vector.output)
        let key = try vector.key.map { try [UInt8](hex: $0) }
        let output = try message.withUnsafeBytes { messageBytes in
            if let key {
                return try key.withUnsafeBytes { try BLAKE2b.hash(messageBytes, key: $0, outputByteCount: expected.count) }
            }
            return try BLAKE2b.hash(messageBytes, key: nil, outputByteCount: expected.count)
        }
        #expect(output == expected)
        // The public entry points for the shapes the vault uses.
        if let key, key.count == SymmetricKey.byteCount, expected.count == SymmetricKey.byteCount {
            let symmetricKey = try key.withUnsafeBytes { try SymmetricKey(copying: $0) }
            #expect(try BLAKE2b.hash(message, key: symmetricKey, outputByteCount: 32) == expected)
            #expect(try BLAKE2b.deriveKey(from: symmetricKey, message: message).withUnsafeBytes { Array($0) } == expected)
        }
        if key == nil {
            #expect(try BLAKE2b.hash(message, outputByteCount: expected.count) == expected)
        }
    }

    @Test("XSalsa20-Poly1305 secretbox, NaCl's vector, sealed and opened")
    func secretbox() throws {
        let vector = try #require(try VectorFiles.load("secretbox.json", as: [SecretBoxVector].self).first)
        let key = try [UInt8](hex: vector.key).withUnsafeBytes { try SymmetricKey(copying: $0) }
        let nonce = try SecretBox.Nonce(bytes: [UInt8](hex: vector.nonce))
        let plaintext = try [UInt8](hex: vector.plaintext)
        let expected = try [UInt8](hex: vector.sealed)
        let sealed = plaintext.withUnsafeBytes { SecretBox.seal($0, nonce: nonce, using: key) }
        #expect(sealed == expected)
        let prefixed = plaintext.withUnsafeBytes { SecretBox.seal($0, nonce: nonce, using: key, prefixedBy: [1, 2, 3]) }
        #expect(prefixed == [1, 2, 3] + expected)
        let opened = try SecretBox.open(expected, nonce: nonce, using: key)
        #expect(opened.withUnsafeBytes { Array($0) } == plaintext)
    }
}
