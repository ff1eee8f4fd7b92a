@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

@Suite("Vault format keys: wrong keys, kinds, salts, nonces and the key cache")
struct FormatKeyTests {
    let path = "/tmp/test.vault"

    @Test("a wrong keyfile key is a wrong key")
    func wrongKeyfileKey() throws {
        let file = try FormatFixtures.keyfileCodec(0x01).encode(FormatFixtures.sampleDocument, path: path)
        #expect(decodeError(try FormatFixtures.keyfileCodec(0x02), file) == .wrongKey(path: path))
    }

    @Test("a wrong passphrase is a wrong key, and nothing of it is kept for writing")
    func wrongPassphrase() throws {
        let file = try FormatFixtures.passphraseCodec("right").encode(FormatFixtures.sampleDocument, path: path)
        let wrong = try FormatFixtures.passphraseCodec("wrong")
        #expect(decodeError(wrong, file) == .wrongKey(path: path))
        #expect(decodeError(wrong, file) == .wrongKey(path: path))
        // The failed vault's salt was not adopted: a write from this codec is a new vault.
        let written = try wrong.encode(.empty, path: path)
        #expect(written[VaultFormat.Offset.salt..<VaultFormat.Offset.nonce] != file[VaultFormat.Offset.salt..<VaultFormat.Offset.nonce])
        #expect(decodeError(try FormatFixtures.passphraseCodec("right"), written) == .wrongKey(path: path))
    }

    @Test("a passphrase that differs in one byte or in length is wrong")
    func nearMissPassphrases() throws {
        let file = try FormatFixtures.passphraseCodec("hunter22").encode(.empty, path: path)
        for attempt in ["hunter23", "hunter2", "hunter222", "Hunter22"] {
            #expect(decodeError(try FormatFixtures.passphraseCodec(attempt), file) == .wrongKey(path: path))
        }
    }

    @Test("a keyfile offered for a passphrase vault and the reverse are kind mismatches")
    func keyKindMismatch() throws {
        let passphraseVault = try FormatFixtures.passphraseCodec().encode(.empty, path: path)
        let keyfileVault = try FormatFixtures.keyfileCodec().encode(.empty, path: path)
        #expect(decodeError(try FormatFixtures.keyfileCodec(), passphraseVault) == .keyKindMismatch(path: path, vaultUses: "a passphrase"))
        let passphraseCodec = try FormatFixtures.passphraseCodec()
        #expect(decodeError(passphraseCodec, keyfileVault) == .keyKindMismatch(path: path, vaultUses: "a keyfile"))
        #expect(passphraseCodec.argon2idRuns == 0)
    }

    @Test("only the first passphrase operation runs Argon2id; rewrites keep the salt and costs")
    func keyCache() throws {
        let creator = try FormatFixtures.passphraseCodec()
        let first = try creator.encode(FormatFixtures.sampleDocument, path: path)
        let second = try creator.encode(.empty, path: path)
        #expect(creator.argon2idRuns == 1)

        // A reader created with other costs uses the header's, and writes them back.
        let otherCosts = try Argon2idParameters(opsLimit: 2, memLimitBytes: 16384)
        let reader = VaultCodec(keyMaterial: .passphrase(try FormatFixtures.passphrase("correct horse battery staple"), otherCosts))
        for _ in 0..<3 {
            _ = try reader.decode(first, path: path)
            _ = try reader.decode(second, path: path)
        }
        let rewritten = try reader.encode(FormatFixtures.sampleDocument, path: path)
        #expect(reader.argon2idRuns == 1)
        #expect(rewritten[VaultFormat.Offset.opsLimit..<VaultFormat.Offset.nonce] == first[VaultFormat.Offset.opsLimit..<VaultFormat.Offset.nonce])
        #expect(try VaultCodec.inspect(rewritten, path: path).keyDerivation == .argon2id(opsLimit: 1, memLimitBytes: 8192))
    }

    @Test("a new codec gives a new vault a fresh salt (create, rekey)")
    func freshSaltPerCodec() throws {
        var salts = Set<ArraySlice<UInt8>>()
        for _ in 0..<20 {
            let file = try FormatFixtures.keyfileCodec().encode(.empty, path: path)
            salts.insert(file[VaultFormat.Offset.salt..<VaultFormat.Offset.nonce])
        }
        #expect(salts.count == 20)
    }

    @Test("10,000 encodes use 10,000 distinct nonces")
    func distinctNonces() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let padded = try PlaintextDocument.encode(.empty, path: path)
        var nonces = Set<ArraySlice<UInt8>>()
        for _ in 0..<10_000 {
            // encode(_:path:) minus the JSON step: the nonce is chosen in the same place.
            let file = try codec.seal(padded, path: path, nonce: .random())
            nonces.insert(file[VaultFormat.Offset.nonce..<VaultFormat.Offset.commitment])
        }
        #expect(nonces.count == 10_000)
        var fromEncode = Set<ArraySlice<UInt8>>()
        for _ in 0..<200 {
            fromEncode.insert(try codec.encode(.empty, path: path)[VaultFormat.Offset.nonce..<VaultFormat.Offset.commitment])
        }
        #expect(fromEncode.count == 200)
    }

    @Test("one codec shared by many tasks derives the key once and every result opens")
    func sharedAcrossTasks() async throws {
        let codec = try FormatFixtures.passphraseCodec()
        let seed = try codec.encode(FormatFixtures.sampleDocument, path: path)
        let reader = try FormatFixtures.passphraseCodec()
        let files = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<16 {
                group.addTask {
                    _ = try reader.decode(seed, path: "/tmp/test.vault")
                    let document = VaultDocument(namespaces: ["task-\(index)": FormatFixtures.tokenMap(count: index)])
                    return try reader.encode(document, path: "/tmp/test.vault")
                }
            }
            var files: [[UInt8]] = []
            for try await file in group { files.append(file) }
            return files
        }
        #expect(reader.argon2idRuns == 1)
        #expect(files.count == 16)
        for file in files {
            #expect(try codec.decode(file, path: path).namespaces.count == 1)
        }
    }
}
