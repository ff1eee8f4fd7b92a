@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// The writer's fast paths (byte-arena key sort, eight-byte escape scan, reused plaintext
/// buffer) must write exactly what the plain byte-by-byte rules would.
@Suite("Plaintext writer fast paths")
struct FormatWriterSpeedupTests {
    private func plaintext(of document: VaultDocument) throws -> String {
        let padded = try PlaintextDocument.encode(document, path: "/tmp/test.vault")
        let count = try Padding.unpaddedCount(of: padded)
        return padded.withUnsafeBytes { String(decoding: $0[..<count], as: UTF8.self) }
    }

    @Test("resource servers are written in UTF-8 byte order, prefixes first")
    func keysInByteOrder() throws {
        let servers = ["b", "a", "aa", "B", "\u{e9}t\u{e9}", "z", "resource-server-10", "resource-server-9", "resource-server-1"]
        var map = TokenMap()
        for server in servers { map[server] = FormatFixtures.tokenSet(server) }
        let text = try plaintext(of: VaultDocument(namespaces: ["tokens": map]))
        let positions = servers.map { server in text.range(of: "\"\(server)\":{")?.lowerBound }
        let found = positions.compactMap { $0 }
        #expect(found.count == servers.count)
        let written = zip(servers, found).sorted { $0.1 < $1.1 }.map(\.0)
        #expect(written == servers.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    @Test("a character that needs escaping is escaped wherever it falls in an eight-byte word")
    func escapesAtEveryOffset() throws {
        let escaped = ["\"": #"\""#, "\\": #"\\"#, "\n": #"\n"#, "\u{1}": #"\u0001"#, "\u{1f}": #"\u001f"#]
        for (special, escape) in escaped {
            for offset in 0..<20 {
                let token = String(repeating: "x", count: offset) + special + String(repeating: "y", count: 19 - offset)
                var set = FormatFixtures.tokenSet("rs.example.org")
                set.accessToken = token
                let document = VaultDocument(namespaces: ["tokens": ["rs.example.org": set]])
                let padded = try PlaintextDocument.encode(document, path: "/tmp/test.vault")
                #expect(try PlaintextDocument.decode(padded, path: "/tmp/test.vault") == document)
                let text = try plaintext(of: document)
                let expected = String(repeating: "x", count: offset) + escape + String(repeating: "y", count: 19 - offset)
                #expect(text.contains(#""access_token":""# + expected + #"""#))
            }
        }
    }

    @Test("one codec sealing documents of different sizes in turn (reusing its buffer) seals each one right")
    func reusedBufferAcrossSizes() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let reader = try FormatFixtures.keyfileCodec()
        for count in [3, 200, 3, 3, 200, 0] {
            let document = VaultDocument(namespaces: ["tokens": FormatFixtures.tokenMap(count: count, prefix: "n\(count)-")])
            let sealed = try codec.encode(document, path: "/tmp/test.vault")
            #expect(try reader.decode(sealed, path: "/tmp/test.vault") == document)
        }
    }

    @Test("a map that breaks a rule still gets validate()'s own error, naming the first set in order")
    func validationErrorUnchanged() throws {
        var map = FormatFixtures.tokenMap(count: 50)
        map["rs7.example.org"]?.resourceServer = "elsewhere.example.org"
        map["rs3.example.org"]?.tokenType = "MAC"
        var expected: TokenFormatError?
        do { try map.validate() } catch { expected = error }
        let error = #expect(throws: VaultError.self) {
            try PlaintextDocument.encode(VaultDocument(namespaces: ["tokens": map]), path: "/tmp/test.vault")
        }
        let reason = try #require(expected.map { "namespace 'tokens': \($0)" })
        #expect(error == .invalidTokenData(path: "/tmp/test.vault", reason: reason))
    }
}

/// Decoding into the codec's kept buffer must behave exactly like decoding into a fresh one.
@Suite("Reused plaintext buffer when opening")
struct FormatReusedOpenBufferTests {
    @Test("opening into a buffer of the wrong size is refused before any decryption")
    func wrongSizeBufferRefused() throws {
        let key = try FormatFixtures.key(repeating: 7)
        let nonce = SecretBox.Nonce.random()
        let plaintext = try SecureBytes(count: 40)
        let sealed = SecretBox.seal(plaintext, nonce: nonce, usingKeyDerivedFrom: key, context: [1, 2, 3])
        let wrong = try SecureBytes(count: 39)
        #expect(throws: CryptoError.self) {
            try sealed.withUnsafeBytes { raw in
                try SecretBox.open(raw, nonce: nonce, usingKeyDerivedFrom: key, context: [1, 2, 3], into: wrong)
            }
        }
        let right = try SecureBytes(count: 40)
        try sealed.withUnsafeBytes { raw in
            try SecretBox.open(raw, nonce: nonce, usingKeyDerivedFrom: key, context: [1, 2, 3], into: right)
        }
        #expect(right.constantTimeEquals(plaintext))
    }

    @Test("a tampered box opened into a buffer leaves no plaintext in it")
    func tamperedBoxLeavesNothing() throws {
        let key = try FormatFixtures.key(repeating: 9)
        let nonce = SecretBox.Nonce.random()
        let secret = try [UInt8](repeating: 0x5A, count: 64).withUnsafeBytes { try SecureBytes(copying: $0) }
        var sealed = SecretBox.seal(secret, nonce: nonce, usingKeyDerivedFrom: key, context: [4])
        sealed[sealed.count - 1] ^= 1
        let buffer = try SecureBytes(count: 64)
        #expect(throws: CryptoError.authenticationFailed) {
            try sealed.withUnsafeBytes { raw in
                try SecretBox.open(raw, nonce: nonce, usingKeyDerivedFrom: key, context: [4], into: buffer)
            }
        }
        #expect(buffer.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
    }

    @Test("one codec decoding and encoding vaults of different sizes in turn gets each one right")
    func decodeAndEncodeAcrossSizes() throws {
        let writer = try FormatFixtures.keyfileCodec()
        let codec = try FormatFixtures.keyfileCodec()
        for count in [2, 300, 2, 300, 300, 0] {
            let document = VaultDocument(namespaces: ["tokens": FormatFixtures.tokenMap(count: count, prefix: "d\(count)-")])
            let sealed = try writer.encode(document, path: "/tmp/test.vault")
            #expect(try codec.decode(sealed, path: "/tmp/test.vault") == document)
            let resealed = try codec.encode(document, path: "/tmp/test.vault")
            #expect(try writer.decode(resealed, path: "/tmp/test.vault") == document)
            // A damaged file in between: refused, and the next decode still right.
            var damaged = sealed
            damaged[damaged.count - 1] ^= 1
            #expect(decodeError(codec, damaged) != nil)
        }
    }
}

/// The parser shares the member-name String for a set's `resource_server` when the bytes are
/// the same; that shortcut must accept and refuse exactly what the full string parser does.
@Suite("Parser: shared resource-server name")
struct FormatSharedServerNameTests {
    private func parse(_ json: String) throws -> VaultDocument {
        let bytes = Array(json.utf8)
        let padded = try SecureBytes(count: bytes.count + 1)
        padded.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
        try Padding.pad(padded, contentCount: bytes.count)
        return try PlaintextDocument.decode(padded, path: "/tmp/test.vault")
    }

    private func document(key: String, resourceServer: String) -> String {
        #"{"frl_vault":1,"namespaces":{"tokens":{"# + "\"\(key)\""
            + #":{"access_token":"a","expires_at_seconds":1,"refresh_token":null,"resource_server":"#
            + "\"\(resourceServer)\"" + #","scope":"s","token_type":"Bearer"}}}}"#
    }

    @Test("escaped and plain spellings of the same name are the same set")
    func escapedSpellings() throws {
        for (key, server) in [("ab.org", "ab.org"), (#"a\u0062.org"#, "ab.org"), ("ab.org", #"a\u0062.org"#)] {
            let parsed = try parse(document(key: key, resourceServer: server))
            #expect(parsed.namespaces["tokens"]?["ab.org"]?.resourceServer == "ab.org")
        }
    }

    @Test("a raw control character is refused even where the escaped name matches it")
    func rawControlCharacterRefused() {
        #expect(throws: VaultError.self) { try parse(document(key: #"a\u0001b"#, resourceServer: "a\u{1}b")) }
    }

    @Test("a different resource server is still reported as misfiled")
    func misfiledStillRefused() {
        #expect(throws: VaultError.self) { try parse(document(key: "ab.org", resourceServer: "cd.org")) }
    }
}
