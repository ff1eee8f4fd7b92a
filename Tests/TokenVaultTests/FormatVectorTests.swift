import FoundationEssentials
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// The frozen vaults under Vectors/: every version and key derivation this code has ever
/// written must keep opening, and re-sealing their plaintext with their salt and nonce must
/// reproduce them byte for byte (so the writer has not drifted from SECURITY.md either).
@Suite("Frozen vault test vectors")
struct FormatVectorTests {
    static let vectors: [VaultVector] = (try? VaultVectors.load()) ?? []

    @Test("the vector index lists a keyfile vault, one per preset, and the independent writer's")
    func index() {
        let names = Set(Self.vectors.map(\.name))
        for expected in ["v1-keyfile", "v1-passphrase-interactive", "v1-passphrase-moderate", "v1-passphrase-sensitive"] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        #expect(Self.vectors.contains { $0.writer == "independent_vault.py" })
    }

    @Test("each vector opens to its plaintext and its intermediate values check out", arguments: vectors)
    func vectorOpens(vector: VaultVector) throws {
        let file = try VaultVectors.bytes(of: vector)
        let info = try VaultCodec.inspect(file, path: vector.file)
        #expect(info.formatVersion == 1)
        #expect(info.keyDerivation == (vector.keyDerivation == "keyfile"
            ? .keyfile : .argon2id(opsLimit: vector.opsLimit, memLimitBytes: vector.memLimitBytes)))
        #expect(Array(file[28..<44]).hex == vector.salt)
        #expect(Array(file[44..<68]).hex == vector.nonce)
        #expect(Array(file[68..<100]).hex == vector.commitment)
        #expect(Array(file[100..<116]).hex == vector.checksum)
        #expect(try BLAKE2b.hash(Array(file[..<100]), outputByteCount: 16).hex == vector.checksum)

        // The recorded master key is the one the commitment binds; the box key follows from it.
        let masterKey = try [UInt8](hex: vector.masterKey).withUnsafeBytes { try SymmetricKey(copying: $0) }
        let prefix = Array(file[..<68])
        #expect(try BLAKE2b.hash(Array("frl-vault v1 key commitment".utf8) + prefix, key: masterKey, outputByteCount: 32).hex == vector.commitment)
        let boxKey = try BLAKE2b.deriveKey(from: masterKey, message: Array("frl-vault v1 box key".utf8) + prefix)
        #expect(boxKey.withUnsafeBytes { Array($0) }.hex == vector.boxKey)
        if let keyfile = vector.keyfile {
            let parsed = try Array(keyfile.utf8).withUnsafeBytes { try KeyfileFormat.parse($0, path: vector.file) }
            #expect(parsed == masterKey)
        }

        // The codec opens it (for passphrase vectors: Argon2id with the header's costs, once).
        let codec = VaultCodec(keyMaterial: try VaultVectors.keyMaterial(for: vector))
        let padded = try codec.openPadded(file, path: vector.file)
        let plaintext = Array(vector.plaintext.utf8)
        #expect(padded.count == vector.paddedLength)
        #expect(padded.withUnsafeBytes { Array($0) } == plaintext + [0x80] + [UInt8](repeating: 0, count: vector.paddedLength - plaintext.count - 1))
        let document = try PlaintextDocument.decode(padded, path: vector.file)
        if vector.writer == "swift" {
            #expect(document == VaultVectors.document(named: vector.name))
            // Byte for byte: same salt (kept from the decode), same nonce, same plaintext.
            let resealed = try codec.seal(padded, path: vector.file, nonce: try SecretBox.Nonce(bytes: [UInt8](hex: vector.nonce)))
            #expect(resealed == file)
        } else {
            #expect(document.namespaces["tokens"]?["auth.globus.org"]?.accessToken == "AQBX8YvVAAAAAAAEfQexampleaccesstoken")
        }
        #expect(codec.argon2idRuns == (vector.keyDerivation == "keyfile" ? 0 : 1))
    }

    @Test("the interactive vector refuses a wrong passphrase and a keyfile")
    func vectorRefusesWrongKeys() throws {
        let vector = try #require(Self.vectors.first { $0.name == "v1-passphrase-interactive" })
        let file = try VaultVectors.bytes(of: vector)
        let wrong = try Array("correct horse battery stapler".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        #expect(throws: VaultError.wrongKey(path: vector.file)) {
            try VaultCodec(keyMaterial: .passphrase(wrong, .interactive)).decode(file, path: vector.file)
        }
        #expect(throws: VaultError.keyKindMismatch(path: vector.file, vaultUses: "a passphrase")) {
            try VaultCodec(keyMaterial: .rawKey(try SymmetricKey.random())).decode(file, path: vector.file)
        }
    }

    /// Writes the Swift vectors. Frozen: run only to add a vector for a new version or preset
    /// (`FRL_VAULT_WRITE_VECTORS=1 swift test --filter writeVectors`), never to "fix" one.
    @Test(
        "write the frozen vectors (only on request)",
        .enabled(if: ProcessInfo.processInfo.environment["FRL_VAULT_WRITE_VECTORS"] == "1"))
    func writeVectors() throws {
        var vectors = ((try? VaultVectors.load())?.filter { $0.writer != "swift" } ?? []).map { vector in
            var vector = vector
            vector.passphraseHex = vector.passphrase.map { Array($0.utf8).hex }
            return vector
        }
        let key = try VaultVectors.keyBytes.withUnsafeBytes { try SymmetricKey(copying: $0) }
        let keyfileText = try KeyfileFormat.encode(key).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let passphrase = try Array(VaultVectors.passphrase.utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let salt = try Argon2id.Salt(bytes: VaultVectors.salt)
        let nonce = try SecretBox.Nonce(bytes: VaultVectors.nonce)
        let cases: [(String, KeyMaterial, Argon2idParameters?)] =
            [("v1-keyfile", .rawKey(key), nil), ("v1-keyfile-large", .rawKey(key), nil)]
            + Argon2idParameters.presets.map { ("v1-passphrase-\($0.name)", .passphrase(passphrase, $0.parameters), $0.parameters) }
        for (name, material, parameters) in cases {
            let codec = VaultCodec(keyMaterial: material, saltForNewVault: salt)
            let file = try codec.encode(VaultVectors.document(named: name), path: name, nonce: nonce)
            let masterKey = try parameters.map { try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: $0) } ?? key
            let boxKey = try BLAKE2b.deriveKey(from: masterKey, message: VaultFormat.boxKeyLabel + Array(file[..<68]))
            let padded = try codec.openPadded(file, path: name)
            let plaintextCount = try Padding.unpaddedCount(of: padded)
            try Data(file).write(to: VaultVectors.directory.appending(path: "\(name).vault"))
            vectors.append(VaultVector(
                name: name, file: "\(name).vault", keyDerivation: parameters == nil ? "keyfile" : "argon2id",
                keyfile: parameters == nil ? keyfileText : nil, passphrase: parameters == nil ? nil : VaultVectors.passphrase,
                passphraseHex: parameters == nil ? nil : Array(VaultVectors.passphrase.utf8).hex,
                opsLimit: parameters?.opsLimit ?? 0, memLimitBytes: parameters?.memLimitBytes ?? 0,
                salt: salt.bytes.hex, nonce: nonce.bytes.hex, masterKey: masterKey.withUnsafeBytes { Array($0) }.hex,
                boxKey: boxKey.withUnsafeBytes { Array($0) }.hex, commitment: Array(file[68..<100]).hex,
                checksum: Array(file[100..<116]).hex,
                plaintext: padded.withUnsafeBytes { String(decoding: $0.prefix(plaintextCount), as: UTF8.self) },
                paddedLength: padded.count, writer: "swift"))
            if parameters == nil {
                try Data(keyfileText.utf8).write(to: VaultVectors.directory.appending(path: "\(name).key"))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(vectors.sorted { $0.name < $1.name }) + Data("\n".utf8))
            .write(to: VaultVectors.directory.appending(path: VaultVectors.indexName))
    }
}
