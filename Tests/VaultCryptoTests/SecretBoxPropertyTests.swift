import Testing
@testable import VaultCrypto

@Suite("Secretbox properties")
struct SecretBoxPropertyTests {
    static let sizes: [Int] = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 4095, 4096, 4097, 65_536, 1 << 20]

    private func randomPlaintext(_ count: Int) throws -> SecureBytes {
        try SecureBytes(randomCount: count)
    }

    @Test("seal then open returns the plaintext at boundary sizes", arguments: sizes)
    func roundTrip(size: Int) throws {
        let key = try SymmetricKey.random()
        let nonce = SecretBox.Nonce.random()
        let plaintext = try randomPlaintext(size)
        let sealed = SecretBox.seal(plaintext, nonce: nonce, using: key)
        #expect(sealed.count == size + SecretBox.macByteCount)
        let opened = try SecretBox.open(sealed, nonce: nonce, using: key)
        #expect(opened.constantTimeEquals(plaintext))
    }

    @Test("a wrong key or a wrong nonce fails authentication", arguments: [0, 1, 100])
    func wrongKeyOrNonce(size: Int) throws {
        let key = try SymmetricKey.random()
        let nonce = SecretBox.Nonce.random()
        let sealed = SecretBox.seal(try randomPlaintext(size), nonce: nonce, using: key)
        #expect(throws: CryptoError.authenticationFailed) { try SecretBox.open(sealed, nonce: nonce, using: try SymmetricKey.random()) }
        #expect(throws: CryptoError.authenticationFailed) { try SecretBox.open(sealed, nonce: .random(), using: key) }
    }

    @Test("every flipped bit and every truncation of a small box fails")
    func tampering() throws {
        let key = try SymmetricKey.random()
        let nonce = SecretBox.Nonce.random()
        let sealed = SecretBox.seal(try randomPlaintext(48), nonce: nonce, using: key)
        for offset in sealed.indices {
            for bit in 0..<8 {
                var flipped = sealed
                flipped[offset] ^= 1 << bit
                #expect(throws: CryptoError.authenticationFailed) { try SecretBox.open(flipped, nonce: nonce, using: key) }
            }
        }
        for length in 0..<sealed.count {
            #expect(throws: CryptoError.self) { try SecretBox.open(Array(sealed[..<length]), nonce: nonce, using: key) }
        }
        #expect(throws: CryptoError.invalidLength(of: "sealed box", expected: "at least 16 bytes", actual: 15)) {
            try SecretBox.open(Array(sealed[..<15]), nonce: nonce, using: key)
        }
    }

    @Test("nonces and keys of the wrong size are refused before any C call")
    func wrongSizes() throws {
        #expect(throws: CryptoError.invalidLength(of: "nonce", expected: "24 bytes", actual: 23)) {
            try SecretBox.Nonce(bytes: [UInt8](repeating: 0, count: 23))
        }
        #expect(throws: CryptoError.invalidLength(of: "key", expected: "32 bytes", actual: 31)) {
            try [UInt8](repeating: 0, count: 31).withUnsafeBytes { try SymmetricKey(copying: $0) }
        }
        #expect(throws: CryptoError.invalidLength(of: "key", expected: "32 bytes", actual: 33)) {
            try SymmetricKey(try SecureBytes(count: 33))
        }
    }
}

@Suite("Keys, passphrases and secure memory")
struct SecretTypeTests {
    @Test("random keys differ; equality is by value")
    func keys() throws {
        let first = try SymmetricKey.random()
        let second = try SymmetricKey.random()
        #expect(first != second)
        let copy = try first.withUnsafeBytes { try SymmetricKey(copying: $0) }
        #expect(first == copy)
    }

    @Test("nothing secret shows in descriptions, debug descriptions or mirrors")
    func redaction() throws {
        let key = try [UInt8](repeating: 0xAB, count: 32).withUnsafeBytes { try SymmetricKey(copying: $0) }
        let passphrase = try Array("hunter2-passphrase".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let bytes = try Array("hunter2-passphrase".utf8).withUnsafeBytes { try SecureBytes(copying: $0) }
        for shown in [
            String(describing: key), String(reflecting: key), String(describing: Mirror(reflecting: key).children.map { $0 }),
            String(describing: passphrase), String(reflecting: passphrase),
            String(describing: Mirror(reflecting: passphrase).children.map { $0 }),
            String(describing: bytes), String(reflecting: bytes), String(describing: Mirror(reflecting: bytes).children.map { $0 }),
        ] {
            #expect(!shown.lowercased().contains("ab, 171"))
            #expect(!shown.contains("171"))
            #expect(!shown.contains("hunter2"))
            #expect(!shown.lowercased().contains("abab"))
        }
    }

    @Test("an empty passphrase is refused; passphrases compare by value")
    func passphrases() throws {
        #expect(throws: CryptoError.emptyPassphrase) { try Passphrase(try SecureBytes(count: 0)) }
        let one = try Array("a".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let same = try Array("a".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let other = try Array("ab".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        #expect(one.constantTimeEquals(same))
        #expect(!one.constantTimeEquals(other))
    }

    @Test("wipe zeroes a secure buffer; prefix copies")
    func secureBytes() throws {
        let bytes = try SecureBytes(randomCount: 64)
        let prefix = try SecureBytes(prefix: 10, of: bytes)
        #expect(prefix.withUnsafeBytes { Array($0) } == bytes.withUnsafeBytes { Array($0.prefix(10)) })
        bytes.wipe()
        #expect(bytes.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
        var plain: [UInt8] = [1, 2, 3]
        SecureMemory.wipe(&plain)
        #expect(plain == [0, 0, 0])
        #expect(SecureMemory.constantTimeEquals([1, 2], [1, 2]))
        #expect(!SecureMemory.constantTimeEquals([1, 2], [1, 3]))
        #expect(!SecureMemory.constantTimeEquals([1, 2], [1, 2, 3]))
    }

    @Test("hex decodes into secure memory and encodes back in lowercase")
    func hex() throws {
        let text = Array("00ff10Ab".utf8)
        let decoded = try text.withUnsafeBytes { try SecureBytes(hexDecoding: $0, byteCount: 4) }
        #expect(decoded.withUnsafeBytes { Array($0) } == [0x00, 0xFF, 0x10, 0xAB])
        #expect(try decoded.hexEncoded().withUnsafeBytes { Array($0) } == Array("00ff10ab".utf8))
        for bad in ["00ff10a", "00ff10ag", "00 f10ab", "00ff10ab00", "0xff10ab"] {
            #expect(throws: CryptoError.invalidHex) {
                try Array(bad.utf8).withUnsafeBytes { try SecureBytes(hexDecoding: $0, byteCount: 4) }
            }
        }
        let key = try SymmetricKey.random()
        let hexKey = try key.hexEncoded()
        #expect(try hexKey.withUnsafeBytes { try SymmetricKey(try SecureBytes(hexDecoding: $0, byteCount: 32)) } == key)
    }
}

@Suite("Padding, BLAKE2b bounds, randomness")
struct PrimitiveBoundaryTests {
    @Test("pad then unpad recovers the length at boundary sizes", arguments: [0, 1, 15, 16, 17, 1023, 1024, 4095])
    func padding(size: Int) throws {
        let content = [UInt8](repeating: 0x80, count: size)  // content bytes that look like padding
        for paddedCount in [size + 1, size + 2, 4096, 8192] where paddedCount > size {
            let padded = try content.withUnsafeBytes { try Padding.pad($0, toCount: paddedCount) }
            #expect(padded.count == paddedCount)
            #expect(try Padding.unpaddedCount(of: padded) == size)
            #expect(padded.withUnsafeBytes { Array($0.prefix(size)) } == content)
        }
        #expect(throws: CryptoError.self) { try content.withUnsafeBytes { try Padding.pad($0, toCount: size) } }
    }

    @Test("padding and unpadding agree byte for byte with sodium_pad and sodium_unpad")
    func agreesWithLibsodium() throws {
        for total in [1, 2, 3, 16, 100, 4096] {
            for contentCount in Set([0, 1, total / 2, total - 1]) where contentCount < total {
                let content = try SecureBytes(randomCount: contentCount)
                let ours = try content.withUnsafeBytes { try Padding.pad($0, toCount: total) }
                let theirs = try SecureBytes(count: total)
                theirs.withUnsafeMutableBytes { buffer in
                    content.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[..<contentCount]).copyMemory(from: $0) }
                    // Garbage after the content: sodium_pad must overwrite it, as ours does.
                    for index in contentCount..<total { buffer[index] = 0xA5 }
                }
                #expect(Padding.sodiumPad(theirs, contentCount: contentCount))
                #expect(ours.constantTimeEquals(theirs), "total \(total) content \(contentCount)")
                #expect(try Padding.unpaddedCount(of: ours) == contentCount)
                #expect(Padding.sodiumUnpaddedCount(of: ours) == contentCount)
            }
        }
        // Both refuse the same malformed buffers.
        let longZeroRuns: [[UInt8]] = [[UInt8](repeating: 0, count: 24), [0x7F] + [UInt8](repeating: 0, count: 16)]
        for bytes: [UInt8] in [[0], [0, 0], [1], [0x80, 1], [0x7F, 0], [0x81, 0, 0]] + longZeroRuns {
            let buffer = try bytes.withUnsafeBytes { try SecureBytes(copying: $0) }
            #expect(Padding.sodiumUnpaddedCount(of: buffer) == nil)
            #expect(throws: CryptoError.invalidPadding) { try Padding.unpaddedCount(of: buffer) }
        }
    }

    @Test("padding in place overwrites whatever followed the content")
    func padInPlace() throws {
        let buffer = try SecureBytes(count: 8)
        buffer.withUnsafeMutableBytes { $0.copyBytes(from: [1, 2, 3, 9, 9, 9, 9, 9]) }
        try Padding.pad(buffer, contentCount: 3)
        #expect(buffer.withUnsafeBytes { Array($0) } == [1, 2, 3, 0x80, 0, 0, 0, 0])
        #expect(throws: CryptoError.self) { try Padding.pad(buffer, contentCount: 8) }
    }

    @Test("buffers without a 0x80 marker followed only by zeros are invalid padding")
    func invalidPadding() throws {
        for bytes: [UInt8] in [[], [0], [0, 0, 0], [1, 2, 3], [0x80, 1], [0x7F, 0, 0], [0x81]] {
            let buffer = try bytes.withUnsafeBytes { try SecureBytes(copying: $0) }
            #expect(throws: CryptoError.invalidPadding) { try Padding.unpaddedCount(of: buffer) }
        }
    }

    @Test("BLAKE2b output sizes outside 16...64 are refused; labels separate subkeys")
    func blake2bBounds() throws {
        for size in [0, 15, 65] {
            #expect(throws: CryptoError.self) { try BLAKE2b.hash([1, 2, 3], outputByteCount: size) }
        }
        let key = try SymmetricKey.random()
        let first = try BLAKE2b.deriveKey(from: key, message: Array("label one".utf8))
        let second = try BLAKE2b.deriveKey(from: key, message: Array("label two".utf8))
        #expect(first != second)
        #expect(try BLAKE2b.deriveKey(from: key, message: Array("label one".utf8)) == first)
        #expect(try BLAKE2b.deriveKey(from: try SymmetricKey.random(), message: Array("label one".utf8)) != first)
    }

    @Test("random bytes are not repeated")
    func randomness() {
        var seen = Set<[UInt8]>()
        for _ in 0..<1000 { seen.insert(Sodium.randomBytes(count: 16)) }
        #expect(seen.count == 1000)
        #expect(Sodium.randomBytes(count: 0).isEmpty)
    }
}

@Suite("Secretbox under a derived key")
struct DerivedKeySecretBoxTests {
    @Test("sealing under a derived key equals deriving the key, then sealing; and opens back")
    func sameAsTwoSteps() throws {
        let master = try SymmetricKey.random()
        let context = Array("frl-vault v1 box key".utf8) + Sodium.randomBytes(count: 68)
        let nonce = SecretBox.Nonce.random()
        let plaintext = try SecureBytes(randomCount: 300)
        let oneStep = SecretBox.seal(plaintext, nonce: nonce, usingKeyDerivedFrom: master, context: context, prefixedBy: [9])
        let derived = try BLAKE2b.deriveKey(from: master, message: context)
        #expect(oneStep == SecretBox.seal(plaintext, nonce: nonce, using: derived, prefixedBy: [9]))
        let opened = try Array(oneStep.dropFirst()).withUnsafeBytes {
            try SecretBox.open($0, nonce: nonce, usingKeyDerivedFrom: master, context: context)
        }
        #expect(opened.constantTimeEquals(plaintext))
        #expect(throws: CryptoError.authenticationFailed) {
            try Array(oneStep.dropFirst()).withUnsafeBytes {
                try SecretBox.open($0, nonce: nonce, usingKeyDerivedFrom: master, context: context + [0])
            }
        }
    }
}
