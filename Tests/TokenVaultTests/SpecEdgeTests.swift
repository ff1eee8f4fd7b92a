import Glibc
import Testing
import Tokens
@testable import TokenVault
import VaultCrypto

/// Edges an implementation written from SECURITY.md alone found the code and the text
/// disagreeing on; each pins what section 5 now says.
@Suite("Format edges")
struct SpecEdgeTests {
    let path = "/tmp/edge.vault"

    private func set(expires: String) -> String {
        #"{"frl_vault":1,"namespaces":{"tokens":{"a.example.org":{"access_token":"A","expires_at_seconds":"#
            + expires + #","refresh_token":null,"resource_server":"a.example.org","scope":"s","token_type":"Bearer"}}}}"#
    }

    private func expiry(_ literal: String) throws -> Int {
        let bytes = Array(set(expires: literal).utf8)
        let padded = try bytes.withUnsafeBytes { try Padding.pad($0, toCount: bytes.count + 1) }
        let document = try PlaintextDocument.decode(padded, path: path)
        return document.namespaces["tokens"]?["a.example.org"]?.expiresAtSeconds ?? 0
    }

    @Test("expires_at_seconds: the whole signed 64-bit range, as a number or a string, and nothing beyond it")
    func expiryRange() throws {
        #expect(try expiry("-9223372036854775808") == Int.min)
        #expect(try expiry("9223372036854775807") == Int.max)
        #expect(try expiry(#""-9223372036854775808""#) == Int.min)
        #expect(try expiry(#""9223372036854775807""#) == Int.max)
        for outside in ["-9223372036854775809", "-9223372036854776000", "9223372036854775808", #""-9223372036854775809""#,
                        #""9223372036854775808""#, "1e19", "-1e19"] {
            #expect(throws: VaultError.self, "\(outside)") { try expiry(outside) }
        }
        // Python's int(): floats truncate toward zero, booleans are 0 and 1.
        #expect(try expiry("-1.9") == -1)
        #expect(try expiry("true") == 1)
    }

    @Test("namespaces are written in code-point order even where Unicode's canonical order differs")
    func namespaceOrderIsCodePointOrder() throws {
        // U+212B ANGSTROM SIGN (E2 84 AB) normalises to U+00C5, which sorts before U+00D0 (C3 90);
        // by bytes, U+00D0 comes first.
        let angstrom = "\u{212B}"
        let eth = "\u{00D0}"
        let padded = try PlaintextDocument.encode(VaultDocument(namespaces: [angstrom: [:], eth: [:]]), path: path)
        let text = padded.withUnsafeBytes { Array($0) }
        let ethAt = try #require(text.firstRange(of: Array(eth.utf8))).lowerBound
        let angstromAt = try #require(text.firstRange(of: Array(angstrom.utf8))).lowerBound
        #expect(ethAt < angstromAt)
    }

    @Test("a vault too large for readers to accept is never written")
    func noVaultOverTheReadCap() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("small"))
        let before = try #require(contents(of: place.vault))
        var large: TokenMap = [:]
        let megabyte = String(repeating: "x", count: 1 << 20)
        for index in 0..<66 {
            var set = tokenSet("rs\(index).example.org", "big")
            set.accessToken = megabyte
            large["rs\(index).example.org"] = set
        }
        #expect {
            try place.storage().writeTokens(large)
        } throws: { error in
            guard case .invalidTokenData(_, let reason)? = error as? VaultError else { return false }
            return reason.contains("larger than the 64 MiB")
        }
        #expect(contents(of: place.vault) == before)
    }

    @Test("a vault file over 64 MiB is refused as not a vault before anything else")
    func overTheReadCap() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("c"))
        // A real vault's bytes, then a hole up to one byte past the cap (sparse: no 64 MiB written).
        #expect(truncate(place.vault, off_t(VaultFormat.maximumFileSize + 1)) == 0)
        #expect(throws: VaultError.notAVault(path: place.vault)) { try place.storage().readTokens() }
        // At the cap exactly it is read, and then found damaged (the zeros are not its box).
        #expect(truncate(place.vault, off_t(VaultFormat.maximumFileSize)) == 0)
        #expect {
            try place.storage().readTokens()
        } throws: { error in
            guard case .damaged? = error as? VaultError else { return false }
            return true
        }
    }
}
