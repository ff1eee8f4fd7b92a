import Testing
import Tokens
@testable import TokenVault
import VaultCrypto

/// A namespace write after another writer parses the whole vault and writes it back: every
/// other namespace must come out as it was, in the writer's canonical form, and anything the
/// parser would refuse must stop the write.
@Suite("Namespace writes after another writer")
struct SharedVaultWriteTests {
    /// Token values the writer leaves unescaped but that are not ASCII (2-, 3- and 4-byte UTF-8).
    private func unusualTokens(_ label: String) -> TokenMap {
        var map = sampleTokens(label, count: 4)
        map["rs1.example.org"] = TokenSet(
            scope: "openid ü € 𝄞", accessToken: "AT-\(label)-ü€𝄞/~\u{7F}", refreshToken: nil,
            expiresAtSeconds: -42, resourceServer: "rs1.example.org")
        map["rs2.example.org"]?.expiresAtSeconds = 0
        return map
    }

    /// The plaintext content (JSON, no padding) of the vault file at `path`.
    private func plaintext(of path: String, key: VaultKey) throws -> [UInt8] {
        let codec = VaultCodec(keyMaterial: try key.keyMaterial())
        let padded = try codec.openPadded(try #require(contents(of: path)), path: path)
        let count = try Padding.unpaddedCount(of: padded)
        return padded.withUnsafeBytes { Array($0[..<count]) }
    }

    /// What the writer produces for `namespaces` after a full parse.
    private func canonical(_ namespaces: [String: TokenMap]) throws -> [UInt8] {
        let padded = try PlaintextDocument.encode(VaultDocument(namespaces: namespaces), path: "/tmp/x")
        let count = try Padding.unpaddedCount(of: padded)
        return padded.withUnsafeBytes { Array($0[..<count]) }
    }

    /// Seals `json` with the place's key, bypassing the document encoder.
    private func seal(_ json: String, at place: VaultPlace) throws {
        let codec = VaultCodec(keyMaterial: try place.key.keyMaterial())
        let bytes = Array(json.utf8)
        let padded = try bytes.withUnsafeBytes {
            try Padding.pad($0, toCount: PlaintextPadding.paddedCount(forContentCount: bytes.count))
        }
        try writeFile(place.vault, try codec.seal(padded, path: place.vault, nonce: .random()))
    }

    @Test("other namespaces survive, and the plaintext is what a full rewrite gives")
    func otherNamespacesSurvive() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "alpha").writeTokens(unusualTokens("alpha"))
        try place.storage(namespace: "omega").writeTokens(sampleTokens("omega"))
        let middle = place.storage(namespace: "middle")
        try middle.writeTokens(sampleTokens("middle"))
        #expect(middle.fullDecodes == 1)
        let expected = ["alpha": unusualTokens("alpha"), "middle": sampleTokens("middle"), "omega": sampleTokens("omega")]
        #expect(try plaintext(of: place.vault, key: place.key) == canonical(expected))
        #expect(try place.storage().readAllNamespaces() == expected)
    }

    @Test("update sees its namespace, and writes nothing when it changes nothing")
    func updateAfterAnotherWriter() throws {
        let place = try VaultPlace()
        let mine = place.storage()
        try place.storage().writeTokens(unusualTokens("mine"))
        try place.storage(namespace: "other").writeTokens(sampleTokens("other"))
        let before = try #require(contents(of: place.vault))
        let seen = try mine.update { $0 }
        #expect(seen == unusualTokens("mine"))
        #expect(contents(of: place.vault) == before)
        try mine.update { $0["late.example.org"] = tokenSet("late.example.org", "late") }
        #expect(mine.fullDecodes == 1)
        var expected = unusualTokens("mine")
        expected["late.example.org"] = tokenSet("late.example.org", "late")
        #expect(try plaintext(of: place.vault, key: place.key) == canonical(["tokens": expected, "other": sampleTokens("other")]))
    }

    @Test("a token that needs escaping elsewhere is kept")
    func escapedTokenFallsBack() throws {
        let place = try VaultPlace()
        var other = sampleTokens("other")
        other["auth.globus.org"]?.accessToken = "quote\" backslash\\ newline\n"
        try place.storage(namespace: "other").writeTokens(other)
        let mine = place.storage()
        try mine.writeTokens(sampleTokens("mine"))
        #expect(mine.fullDecodes == 1)
        #expect(try place.storage().readAllNamespaces() == ["other": other, "tokens": sampleTokens("mine")])
    }

    @Test("a hand-written plaintext (whitespace, other key order) is rewritten canonically")
    func foreignLayoutFallsBack() throws {
        let place = try VaultPlace()
        try seal(
            """
            {"namespaces": {"other": {"auth.globus.org": {"scope": "openid", "access_token": "AT",
            "token_type": "Bearer", "expires_at_seconds": 1700000000,
            "resource_server": "auth.globus.org"}}}, "frl_vault": 1}
            """, at: place)
        let mine = place.storage()
        try mine.writeTokens(sampleTokens("mine"))
        #expect(mine.fullDecodes == 1)
        let other: TokenMap = [
            "auth.globus.org": TokenSet(
                scope: "openid", accessToken: "AT", refreshToken: nil, expiresAtSeconds: 1_700_000_000,
                resourceServer: "auth.globus.org")
        ]
        #expect(try plaintext(of: place.vault, key: place.key) == canonical(["other": other, "tokens": sampleTokens("mine")]))
    }

    @Test("invalid token data in another namespace still stops the write, with the same error")
    func invalidElsewhereIsStillRefused() throws {
        let place = try VaultPlace()
        // Compact and sorted like the writer's output, but the token type is not "Bearer".
        try seal(
            #"{"frl_vault":1,"namespaces":{"other":{"auth.globus.org":{"access_token":"AT","expires_at_seconds":1,"#
                + #""refresh_token":null,"resource_server":"auth.globus.org","scope":"openid","token_type":"MAC"}}}}"#,
            at: place)
        let before = try #require(contents(of: place.vault))
        let mine = place.storage()
        let readError = try #require(#expect(throws: VaultError.self) { try mine.readTokens() })
        #expect(throws: readError) { try mine.writeTokens(sampleTokens("mine")) }
        #expect(throws: readError) { try mine.update { $0 = sampleTokens("mine") } }
        #expect(contents(of: place.vault) == before)
    }
}

/// Encoding into a spare buffer in one pass must give the two-pass bytes, whatever the spare.
@Suite("One-pass plaintext encoding")
struct OnePassEncodingTests {
    @Test("a spare of the right size, a smaller one and a larger one all give the two-pass plaintext")
    func spareSizesDoNotChangeTheBytes() throws {
        let document = VaultDocument(namespaces: ["tokens": FormatFixtures.tokenMap(count: 40), "other": sampleTokens("o")])
        let plain = try PlaintextDocument.encode(document, path: "/tmp/x")
        let expected = plain.withUnsafeBytes { Array($0) }
        for spareCount in [plain.count, PlaintextPadding.minimumCount, plain.count + 1024, plain.count * 4] {
            let spare = try SecureBytes(count: spareCount)
            let padded = try PlaintextDocument.encode(document, path: "/tmp/x", reusing: spare)
            #expect(padded.withUnsafeBytes { Array($0) } == expected, "spare of \(spareCount) bytes")
            #expect((padded === spare) == (spareCount == plain.count))
        }
    }
}
