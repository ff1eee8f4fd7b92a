import SecureFiles
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// Token sets lent where they lie in the plaintext (`TokenSetFields`, for the CLI's reports)
/// must accept and refuse exactly what the `TokenSet` read does, with the same errors, and
/// hold the same values.
@Suite("Vault plaintext lent in place: the same outcome as the parsed read")
struct FormatLentTokenSetTests {
    let path = "/tmp/test.vault"

    private func wrap(_ tokenSets: String) -> String {
        #"{"frl_vault":1,"namespaces":{"tokens":"# + tokenSets + "}}"
    }

    private func set(_ server: String, access: String = "AT", refresh: String = "null", expires: String = "1") -> String {
        #"{"access_token":"\#(access)","expires_at_seconds":\#(expires),"refresh_token":\#(refresh),"resource_server":"\#(server)","scope":"s t","token_type":"Bearer"}"#
    }

    /// Both reads of the same bytes: the maps, or the error each gave.
    private func outcomes(_ content: [UInt8]) throws -> (parsed: Result<[String: TokenMap], VaultError>, lent: Result<[String: TokenMap], VaultError>) {
        let padded = try content.withUnsafeBytes { try Padding.pad($0, toCount: content.count + 1) }
        let parsed = Result { () throws(VaultError) in try PlaintextDocument.decode(padded, path: path).namespaces }
        let lent = content.withUnsafeBytes { bytes in
            Result { () throws(VaultError) -> [String: TokenMap] in
                let reader = JSONReader(bytes, mode: .strict)
                return try PlaintextDocument.decodeLent(bytes, path: path).mapValues { sets in
                    let map = Dictionary(sets.map { ($0.name, reader.tokenSet($0.fields, filedUnder: nil)) }, uniquingKeysWith: { first, _ in first })
                    // Each set lent once: a name noted twice would be lost in the map above.
                    #expect(map.count == sets.count)
                    return map
                }
            }
        }
        return (parsed, lent)
    }

    private func expectSameOutcome(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectSameOutcome(Array(json.utf8), sourceLocation: sourceLocation)
    }

    private func expectSameOutcome(_ content: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (parsed, lent) = try outcomes(content)
        switch (parsed, lent) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected, sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let actual)):
            #expect(actual == expected, sourceLocation: sourceLocation)
        default:
            Issue.record("parsed: \(parsed); lent: \(lent)", sourceLocation: sourceLocation)
        }
    }

    @Test("the Tokens module's validation cases come out the same", arguments: FormatPlaintextParserTests.validationCases)
    func validationCases(validationCase: FormatPlaintextParserTests.ValidationCase) throws {
        try expectSameOutcome(wrap(#"{"auth.globus.org":"# + validationCase.group_json + "}"))
    }

    @Test("duplicates are refused wherever they are; canonically equivalent names are one name")
    func duplicates() throws {
        try expectSameOutcome(wrap("{" + ["c", "a", "b"].map { #""\#($0)":\#(set($0))"# }.joined(separator: ",") + "}"))
        try expectSameOutcome(wrap(#"{"a":\#(set("a")),"b":\#(set("b")),"a":\#(set("a"))}"#))
        try expectSameOutcome(wrap(#"{"a":\#(set("a")),"a":{"scope":"s","access_token":"A","expires_at_seconds":1.0,"resource_server":"a"}}"#))
        try expectSameOutcome(wrap(#"{"a":{"scope":"s","access_token":"A","expires_at_seconds":1.0,"resource_server":"a"},"a":\#(set("a"))}"#))
        try expectSameOutcome(wrap(#"{"b":\#(set("b")),"a":\#(set("a")),"a":\#(set("a")),"c":{"scope":1}}"#))
        try expectSameOutcome(#"{"frl_vault":1,"namespaces":{"z":{},"a":{"rs":\#(set("rs"))},"m":{}}}"#)
        try expectSameOutcome(wrap(#"{"e\u0301":\#(set("e\\u0301")),"\u00e9":\#(set("\\u00e9"))}"#))
        try expectSameOutcome(wrap(#"{"\u212a":\#(set("\\u212a")),"K":\#(set("K"))}"#))
    }

    @Test("misfiled sets, escapes and other shapes come out the same")
    func otherShapes() throws {
        try expectSameOutcome(wrap(#"{"rs":\#(set("other"))}"#))
        try expectSameOutcome(wrap(#"{"a":\#(set("b")),"b":\#(set("a"))}"#))
        try expectSameOutcome(wrap(#"{"b":{"scope":"s","access_token":"A","expires_at_seconds":1.5,"resource_server":"c"},"a":\#(set("z"))}"#))
        try expectSameOutcome(wrap(#"{"rs":\#(set("rs", access: #"\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\udd11"#, refresh: #""R\u0054""#))}"#))
        try expectSameOutcome(wrap(#"{"r\u0073":\#(set("rs"))}"#))
        try expectSameOutcome(wrap(#"{"rs":\#(set("rs", refresh: #""""#, expires: "1.0"))}"#))
        try expectSameOutcome(wrap(#"{"rs":\#(set("rs", refresh: #""""#))}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"A","expires_at_seconds":1e3,"resource_server":"rs","extra":1}}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"é","expires_at_seconds":5,"resource_server":"rs","token_type":null}}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"A","expires_at_seconds":5,"resource_server":"rs","token_type":"bearer"}}"#))
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            try expectSameOutcome(Array(wrap(#"{"rs":{"scope":"s","access_token":""#).utf8) + bad
                + Array(#"","expires_at_seconds":5,"resource_server":"rs"}}"#.utf8))
        }
    }

    @Test("a misfiled set read the long way is blamed before anything after it")
    func misfiledLongWayIsBlamedFirst() throws {
        let content = Array(wrap(
            #"{"b":{"scope":"s","access_token":"x","expires_at_seconds":1.5,"resource_server":"c"},"a":\#(set("z")),"b":1}"#).utf8)
        let (parsed, lent) = try outcomes(content)
        for outcome in [parsed, lent] {
            guard case .failure(.invalidTokenData(_, let reason)) = outcome else {
                Issue.record("\(outcome)")
                continue
            }
            #expect(reason.contains("token set for 'b'") && reason.contains("resource_server_mismatch"), "\(reason)")
        }
    }

    @Test("plain strings are ranges of the plaintext, escaped ones decoded")
    func values() throws {
        let json = Array(wrap(#"{"rs":\#(set("rs", access: #"A\u0042C"#, refresh: #""RT""#, expires: "-5"))}"#).utf8)
        try json.withUnsafeBytes { bytes in
            let fields = try #require(try PlaintextDocument.decodeLent(bytes, path: path)["tokens"]?.first { $0.name == "rs" }?.fields)
            #expect(fields.accessToken == .decoded("ABC"))
            guard case .plain(let range) = fields.refreshToken else {
                Issue.record("the refresh token is not lent in place: \(String(describing: fields.refreshToken))")
                return
            }
            #expect(Array(bytes[range]) == Array("RT".utf8))
            #expect(fields.expiresAtSeconds == -5)
        }
    }

    @Test("seeded mutations of a valid plaintext come out the same both ways")
    func mutations() throws {
        let encoded = try PlaintextDocument.encode(VaultVectors.document, path: "/tmp/x")
        let contentCount = try Padding.unpaddedCount(of: encoded)
        let original = encoded.withUnsafeBytes { Array($0.prefix(contentCount)) }
        for mutated in seededMutations(of: original, seed: 0x1E_57ED, count: 3000) {
            try expectSameOutcome(mutated)
        }
    }

    @Test("sets lent in the text's order come out in code point order, whatever that order was")
    func textOrder() throws {
        // Only our writer sorts; a vault written by hand (or by another tool) may not be. The
        // decomposed "e\u{301}x" sorts before "éa" in code point order, after it for String's <.
        let names = ["b.org", "a.org", "é.org", "éa", "c.org", "e\u{301}x", "Z.org"]
        let json = Array(wrap("{" + names.map { #""\#($0)":\#(set($0))"# }.joined(separator: ",") + "}").utf8)
        try json.withUnsafeBytes { bytes in
            let lent = try PlaintextDocument.decodeLent(bytes, path: path)
            #expect(lent["tokens"]?.map(\.name) == names)
            let sorted = try #require(LentNamespace.sorted(lent).first)
            let reader = JSONReader(bytes, mode: .strict)
            let servers = sorted.tokenSets.map { reader.string($0.resourceServer) }
            #expect(servers.map { Array($0.unicodeScalars) } == ["Z.org", "a.org", "b.org", "c.org", "e\u{301}x", "é.org", "éa"].map { Array($0.unicodeScalars) })
        }
    }
}

/// `withLentNamespaces` on real vault files: the same contents and errors as `readAllNamespaces`.
@Suite("Vault storage: namespaces lent in place")
struct LentNamespaceStorageTests {
    private func tokenMaps(_ plaintext: RawSpan, _ namespaces: [LentNamespace]) -> [String: TokenMap] {
        var maps: [String: TokenMap] = [:]
        for namespace in namespaces {
            var map = TokenMap()
            for fields in namespace.tokenSets {
                let set = TokenSet(
                    scope: plaintext.text(fields.scope), accessToken: plaintext.text(fields.accessToken),
                    refreshToken: fields.refreshToken.map { plaintext.text($0) }, expiresAtSeconds: fields.expiresAtSeconds,
                    resourceServer: plaintext.text(fields.resourceServer))
                map[set.resourceServer] = set
            }
            maps[namespace.name] = map
        }
        return maps
    }

    @Test("the sets are readAllNamespaces', sorted, from a fresh instance and a cached one")
    func sameAsReadAll() throws {
        let place = try VaultPlace()
        let writer = place.storage(namespace: "b")
        try writer.writeTokens(sampleTokens("b", count: 7))
        try place.storage(namespace: "a").writeTokens(sampleTokens("a", count: 2))
        try writer.writeTokens(sampleTokens("b2", count: 5))  // the writer's cache now holds the file
        for storage in [place.storage(), writer] {
            let expected = try storage.readAllNamespaces()
            try storage.withLentNamespaces { plaintext, namespaces in
                #expect(namespaces.map(\.name) == ["a", "b"])
                #expect(tokenMaps(plaintext, namespaces) == expected)
                for namespace in namespaces {
                    let servers = namespace.tokenSets.map { plaintext.text($0.resourceServer) }
                    #expect(servers == servers.sorted(by: CodePointOrder.precedes))
                }
            }
        }
    }

    @Test("a missing vault and a wrong key fail as readAllNamespaces fails")
    func errors() throws {
        let place = try VaultPlace()
        #expect(throws: VaultError.missingVault(path: place.vault)) { try place.storage().withLentNamespaces { _, _ in } }
        try place.storage().writeTokens(sampleTokens("x"))
        let wrong = VaultTokenStorage(path: place.vault, key: .keyfile(path: try place.otherKeyfile()))
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try wrong.withLentNamespaces { _, _ in } }
    }

    @Test("flipped bits and truncations fail exactly as the ordinary read fails")
    func hostileFiles() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x", count: 3))
        let original = try #require(try SecureFile.readIfPresent(place.vault))
        var variants: [[UInt8]] = [0, 1, 7, 100, 132, 133, 150, original.count - 1].map { Array(original.prefix($0)) }
        for position in Array(0..<150) + [original.count / 2, original.count - 1] {
            var flipped = original
            flipped[position] ^= 0x10
            variants.append(flipped)
        }
        variants.append(original + [0])
        for bytes in variants {
            try SecureFile.writeAtomically(bytes, to: place.vault)
            let expected = Result { try place.storage().readAllNamespaces() }
            let actual = Result { try place.storage().withLentNamespaces { plaintext, namespaces in tokenMaps(plaintext, namespaces) } }
            switch (expected, actual) {
            case (.failure(let expectedError as VaultError), .failure(let actualError as VaultError)):
                #expect(actualError == expectedError, "\(bytes.count) bytes")
            default:
                Issue.record("\(bytes.count) bytes: readAllNamespaces \(expected), lent \(actual)")
            }
        }
    }
}

extension RawSpan {
    fileprivate func text(_ text: JSONReader.ParsedString) -> String {
        switch text {
        case .plain(let range): withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range]), as: UTF8.self) }
        case .decoded(let string): string
        }
    }
}
