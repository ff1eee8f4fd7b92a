@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// Authenticated but unusable plaintexts (a buggy or foreign writer holding the key) and the
/// padding policy.
@Suite("Vault plaintext: schema, validation and padding")
struct FormatPlaintextTests {
    let path = "/tmp/test.vault"

    /// Seals `json` as the plaintext of a keyfile vault, bypassing the document encoder.
    private func vault(withPlaintext json: String, codec: VaultCodec) throws -> [UInt8] {
        let bytes = Array(json.utf8)
        let padded = try bytes.withUnsafeBytes { try Padding.pad($0, toCount: PlaintextPadding.paddedCount(forContentCount: bytes.count)) }
        return try codec.seal(padded, path: path, nonce: .random())
    }

    @Test("a plaintext written by hand to the documented schema opens")
    func handWrittenPlaintext() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let json = """
            {"namespaces": {"tokens": {"auth.globus.org": {"scope": "openid", "access_token": "AT",
            "refresh_token": null, "token_type": "Bearer", "expires_at_seconds": 1700000000,
            "resource_server": "auth.globus.org"}}}, "frl_vault": 1, "written_by": "someone else"}
            """
        let document = try codec.decode(try vault(withPlaintext: json, codec: codec), path: path)
        #expect(document.namespaces["tokens"]?["auth.globus.org"]?.accessToken == "AT")
        #expect(document.namespaces["tokens"]?["auth.globus.org"]?.refreshToken == nil)
    }

    @Test(
        "malformed plaintexts are invalid token data, and the reason quotes no value",
        arguments: [
            ("not json", "the plaintext is not valid JSON (byte 0)"),
            ("{\"frl_vault\": 2, \"namespaces\": {}}", "plaintext document version 2 is not 1"),
            ("{\"namespaces\": {}}", "missing \"frl_vault\" in the document"),
            ("[1, 2, 3]", "wrong type at the document"),
            (
                "{\"frl_vault\": 1, \"namespaces\": {\"tokens\": {\"rs\": {\"access_token\": \"SECRET-AT\"}}}}",
                "namespace 'tokens': token set for 'rs': missing required keys expires_at_seconds, resource_server, scope (missing_required)"
            ),
            (
                "{\"frl_vault\": 1, \"namespaces\": {\"tokens\": {\"rs\": {\"scope\": \"s\", \"access_token\": 42, \"refresh_token\": \"SECRET-RT\", \"token_type\": \"Bearer\", \"expires_at_seconds\": 1, \"resource_server\": \"rs\"}}}}",
                "namespace 'tokens': token set for 'rs': access_token must be a string (invalid_type)"
            ),
            (
                "{\"frl_vault\": 1, \"namespaces\": {\"tokens\": {\"rs\": {\"scope\": \"s\", \"access_token\": \"SECRET-AT\", \"token_type\": \"Bearer\", \"expires_at_seconds\": 1, \"resource_server\": \"other\"}}}}",
                "namespace 'tokens': token set for 'rs': filed under another resource server than its own, or claimed twice (resource_server_mismatch)"
            ),
            (
                "{\"frl_vault\": 1, \"namespaces\": {\"SECRET-NAMESPACE with spaces\": {\"rs\": []}}}",
                "a namespace: token set for 'rs': not a JSON object (not_dict)"
            ),
            ("{\"frl_vault\": 1, \"namespaces\": {\"tokens\": []}}", "wrong type at namespaces.tokens"),
        ])
    func malformedPlaintext(json: String, reason: String) throws {
        let codec = try FormatFixtures.keyfileCodec()
        let error = decodeError(codec, try vault(withPlaintext: json, codec: codec))
        #expect(error == .invalidTokenData(path: path, reason: reason))
        #expect(!String(describing: error).contains("SECRET"))
    }

    @Test("a document that breaks the token rules is refused before anything is sealed")
    func invalidDocumentIsNotWritten() throws {
        let codec = try FormatFixtures.keyfileCodec()
        let misfiled = VaultDocument(namespaces: ["tokens": ["auth.globus.org": FormatFixtures.tokenSet("transfer.api.globus.org")]])
        #expect(throws: VaultError.invalidTokenData(
            path: path,
            reason: "namespace 'tokens': token set for 'auth.globus.org': filed under another resource server than its own, or claimed twice (resource_server_mismatch)")
        ) {
            try codec.encode(misfiled, path: path)
        }
    }

    @Test("a plaintext without valid padding is damage")
    func missingPadding() throws {
        let codec = try FormatFixtures.keyfileCodec()
        for fill: UInt8 in [0x00, 0x7B] {
            let padded = try SecureBytes(count: 4096)
            _ = padded.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: fill) }
            let file = try codec.seal(padded, path: path, nonce: .random())
            #expect(decodeError(codec, file) == .damaged(path: path, reason: "invalid plaintext padding"))
        }
    }

    @Test("padding hides small counts entirely and grows in steps of at most 1/16 after that")
    func paddingPolicy() {
        #expect(PlaintextPadding.paddedCount(forContentCount: 0) == 4096)
        #expect(PlaintextPadding.paddedCount(forContentCount: 4095) == 4096)
        #expect(PlaintextPadding.paddedCount(forContentCount: 4096) == 5120)
        #expect(PlaintextPadding.paddedCount(forContentCount: 16383) == 16384)
        #expect(PlaintextPadding.paddedCount(forContentCount: 16384) == 18432)
        #expect(PlaintextPadding.paddedCount(forContentCount: 1 << 20) == (1 << 20) + (128 << 10))
        var previous = 0
        for count in stride(from: 0, through: 8 << 20, by: 997) {
            let padded = PlaintextPadding.paddedCount(forContentCount: count)
            #expect(padded > count)
            #expect(padded >= previous)
            #expect(count < 4096 || Double(padded) <= Double(count) * 1.125 + 1024)
            previous = padded
        }
    }

    @Test("vaults of one to eight typical token sets have the same size")
    func sizeHidesTokenCount() throws {
        let codec = try FormatFixtures.keyfileCodec()
        var sizes = Set<Int>()
        for count in 0...8 {
            sizes.insert(try codec.encode(VaultDocument(namespaces: ["tokens": FormatFixtures.tokenMap(count: count)]), path: path).count)
        }
        #expect(sizes == [VaultFormat.headerByteCount + SecretBox.macByteCount + 4096])
    }

    @Test("descriptions of a document name namespaces and counts, never tokens")
    func redactedDescription() {
        let text = [String(describing: FormatFixtures.sampleDocument), String(reflecting: FormatFixtures.sampleDocument)]
        for shown in text {
            #expect(!shown.contains("secret"))
            #expect(shown.contains("tokens: 2"))
        }
    }
}
