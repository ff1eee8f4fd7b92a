@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// Damage and tampering: every outcome is a precise error, never a crash, never a wrong map.
@Suite("Vault format under damage and tampering")
struct FormatHostileInputTests {
    let path = "/tmp/test.vault"

    /// The one error each damaged region must produce, for a single flipped bit.
    private func expectedErrorForFlip(at offset: Int, in file: [UInt8]) -> VaultError {
        switch offset {
        case ..<8:
            return .notAVault(path: path)
        case 8:
            return .unsupportedVersion(path: path, version: Int(file[8]))
        case ..<VaultFormat.Offset.sealedBox:
            return .damaged(path: path, reason: "header checksum mismatch")
        default:
            return .damaged(path: path, reason: "ciphertext authentication failed")
        }
    }

    @Test("every single-bit flip is reported as the damage it is", arguments: [false, true])
    func everyBitFlip(usePassphrase: Bool) throws {
        let codec = usePassphrase ? try FormatFixtures.passphraseCodec() : try FormatFixtures.keyfileCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        // The keyfile vault gets every bit of the file. After the header a passphrase vault
        // takes exactly the same path with a cached key, so it gets the header and the tag.
        let offsets = usePassphrase ? Array(0..<(VaultFormat.Offset.sealedBox + SecretBox.macByteCount)) : Array(original.indices)
        var mismatches: [String] = []
        for offset in offsets {
            for bit in 0..<8 {
                var flipped = original
                flipped[offset] ^= 1 << bit
                let error = decodeError(codec, flipped)
                let expected = expectedErrorForFlip(at: offset, in: flipped)
                if error != expected {
                    mismatches.append("byte \(offset) bit \(bit): \(error.map { "\($0)" } ?? "opened")")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // Flips in the salt or parameters were caught by the checksum, never by a new KDF run.
        #expect(codec.argon2idRuns == (usePassphrase ? 1 : 0))
        #expect(try codec.decode(original, path: path) == FormatFixtures.sampleDocument)
    }

    @Test("truncation at every length is an error")
    func everyTruncation() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        for length in 0..<original.count {
            let error = decodeError(codec, Array(original[..<length]))
            switch length {
            case ..<8:
                #expect(error == .notAVault(path: path), "length \(length)")
            default:
                guard case .damaged = error else {
                    Issue.record("length \(length): \(error.map { "\($0)" } ?? "opened")")
                    continue
                }
            }
        }
    }

    @Test("appended bytes are damage")
    func appendedBytes() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        #expect(decodeError(codec, original + [0]) == .damaged(path: path, reason: "ciphertext authentication failed"))
    }

    @Test("files that are not vaults are named as such")
    func notAVault() throws {
        let codec = try FormatFixtures.keyfileCodec()
        for bytes in [[], Array("{\"tokens\": {}}".utf8), Array("FRLVAUL".utf8), [UInt8](repeating: 0, count: 5000)] {
            #expect(decodeError(codec, bytes) == .notAVault(path: path))
        }
    }

    @Test("a newer format version is reported as unsupported, whatever follows it")
    func newerVersion() throws {
        for version: UInt8 in [0, 2, 255] {
            let file = VaultFormat.magic + [version] + [UInt8](repeating: 0xAA, count: 10)
            #expect(decodeError(try FormatFixtures.keyfileCodec(), file) == .unsupportedVersion(path: path, version: Int(version)))
            #expect(throws: VaultError.unsupportedVersion(path: path, version: Int(version))) {
                try VaultCodec.inspect(file, path: path)
            }
        }
    }

    @Test("any edit of the authenticated header, checksum fixed, fails to open", arguments: [false, true])
    func headerTamperingWithFixedChecksum(usePassphrase: Bool) throws {
        let codec = usePassphrase ? try FormatFixtures.passphraseCodec() : try FormatFixtures.keyfileCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        // Magic and version have their own errors; every later header byte is bound to the key.
        for offset in VaultFormat.Offset.keyDerivation..<VaultFormat.Offset.checksum {
            for delta: UInt8 in [1, 0x80] {
                var edited = original
                edited[offset] &+= delta
                let error = decodeError(codec, try VaultSurgery.fixingChecksum(edited))
                #expect(error != nil, "byte \(offset) +\(delta) opened")
                // A changed commitment, salt, nonce or cost means a different key or box key.
                if (VaultFormat.Offset.salt..<VaultFormat.Offset.checksum).contains(offset) {
                    #expect(error == .wrongKey(path: path), "byte \(offset): \(String(describing: error))")
                }
            }
        }
    }

    @Test("changed Argon2id costs with a fixed checksum are a wrong key, not a silent success")
    func parameterTampering() throws {
        let codec = try FormatFixtures.passphraseCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        let moreOps = try VaultSurgery.fixingChecksum(VaultSurgery.writing(2, at: VaultFormat.Offset.opsLimit, in: original))
        let moreMem = try VaultSurgery.fixingChecksum(VaultSurgery.writing(16384, at: VaultFormat.Offset.memLimit, in: original))
        #expect(decodeError(codec, moreOps) == .wrongKey(path: path))
        #expect(decodeError(codec, moreMem) == .wrongKey(path: path))
        // Without the checksum fix the same edits are accidental damage.
        #expect(decodeError(codec, VaultSurgery.writing(2, at: VaultFormat.Offset.opsLimit, in: original))
            == .damaged(path: path, reason: "header checksum mismatch"))
    }

    @Test(
        "hostile Argon2id costs are refused before any key derivation",
        arguments: [
            (UInt64(1) << 40, UInt64(64) << 20),  // 2^40 passes
            (UInt64(2), UInt64(1) << 40),  // 1 TiB
            (UInt64(17), UInt64(8192)),  // just above the pass bound
            (UInt64(2), (UInt64(1) << 30) + 1024),  // just above the memory bound
            (UInt64(5), UInt64(1) << 30),  // each bound met, product above sensitive's work
            (UInt64(0), UInt64(8192)),  // zero passes
            (UInt64(1), UInt64(4096)),  // below libsodium's minimum memory
            (UInt64(2), UInt64(65_536_001)),  // not whole KiB
            (UInt64.max, UInt64.max),
        ])
    func hostileKDFParameters(ops: UInt64, mem: UInt64) throws {
        let codec = try FormatFixtures.passphraseCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        let freshCodec = try FormatFixtures.passphraseCodec()
        var hostile = VaultSurgery.writing(ops, at: VaultFormat.Offset.opsLimit, in: original)
        hostile = try VaultSurgery.fixingChecksum(VaultSurgery.writing(mem, at: VaultFormat.Offset.memLimit, in: hostile))
        guard case .unsafeKDFParameters(path: path, _) = decodeError(freshCodec, hostile) else {
            Issue.record("ops \(ops) mem \(mem): \(String(describing: decodeError(freshCodec, hostile)))")
            return
        }
        #expect(freshCodec.argon2idRuns == 0)
        #expect(throws: VaultError.self) { try VaultCodec.inspect(hostile, path: path) }
    }

    @Test("keyfile vaults must carry zero Argon2id costs; reserved bytes must be zero; unknown KDFs are damage")
    func structuralHeaderRules() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let original = try codec.encode(FormatFixtures.sampleDocument, path: path)
        let withCosts = try VaultSurgery.fixingChecksum(VaultSurgery.writing(1, at: VaultFormat.Offset.opsLimit, in: original))
        #expect(decodeError(codec, withCosts) == .damaged(path: path, reason: "keyfile vault with nonzero Argon2id parameters"))
        var reserved = original
        reserved[VaultFormat.Offset.reserved + 1] = 1
        #expect(decodeError(codec, try VaultSurgery.fixingChecksum(reserved)) == .damaged(path: path, reason: "reserved header bytes are not zero"))
        var unknown = original
        unknown[VaultFormat.Offset.keyDerivation] = 2
        #expect(decodeError(codec, try VaultSurgery.fixingChecksum(unknown)) == .damaged(path: path, reason: "unknown key derivation 2"))
    }
}
