import Foundation
import Testing
import Tokens

/// No token value may reach a description, a mirror, a dump or an error message.
@Suite struct RedactionTests {
    static let access = "AgSecretAccessValue0123456789abcdefXYZ"
    static let refresh = "AgSecretRefreshValue9876543210fedcbaQRS"
    static let set = TokenSet(
        scope: "openid profile", accessToken: access, refreshToken: refresh,
        expiresAtSeconds: 1_700_000_000, resourceServer: "auth.globus.org")

    func assertNoSecret(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.contains(Self.access), sourceLocation: sourceLocation)
        #expect(!text.contains(Self.refresh), sourceLocation: sourceLocation)
        // Not even a recognisable fragment.
        #expect(!text.contains("SecretAccess"), sourceLocation: sourceLocation)
        #expect(!text.contains("SecretRefresh"), sourceLocation: sourceLocation)
    }

    @Test func describingAndReflectingHideTokens() {
        let map: TokenMap = ["auth.globus.org": Self.set]
        for text in [
            String(describing: Self.set), String(reflecting: Self.set), "\(Self.set)",
            String(describing: map), String(reflecting: map), String(describing: [Self.set]),
        ] {
            assertNoSecret(text)
        }
        #expect(String(describing: Self.set).contains("auth.globus.org"))
        #expect(String(describing: Self.set).contains("refresh token: present"))
        var absent = Self.set
        absent.refreshToken = nil
        #expect(String(describing: absent).contains("refresh token: absent"))
    }

    @Test func dumpHidesTokens() {
        var dumped = ""
        dump(Self.set, to: &dumped)
        var dumpedMap = ""
        dump(["auth.globus.org": Self.set] as TokenMap, to: &dumpedMap)
        assertNoSecret(dumped)
        assertNoSecret(dumpedMap)
        #expect(dumped.contains("expiresAtSeconds"))
    }

    /// Hostile inputs that put token values where names belong, or next to the failing field.
    @Test func errorsNeverCarryTokenValues() throws {
        let hostile: [String] = [
            #"{"auth.globus.org": {"scope": "s", "access_token": "\#(Self.access)", "expires_at_seconds": "\#(Self.refresh)", "resource_server": "auth.globus.org"}}"#,
            #"{"auth.globus.org": {"\#(Self.access)": 1, "scope": "s", "access_token": "a", "expires_at_seconds": 1, "resource_server": "auth.globus.org"}}"#,
            #"{"\#(Self.access)": {"scope": "s", "access_token": "a", "expires_at_seconds": 1, "resource_server": "\#(Self.refresh)"}}"#,
            #"{"\#(Self.access)": {"scope": 1, "access_token": "a", "expires_at_seconds": 1}}"#,
            #"{"auth.globus.org": {"scope": "s", "access_token": "\#(Self.access)", "token_type": "\#(Self.refresh)", "expires_at_seconds": 1, "resource_server": "auth.globus.org"}}"#,
            #"{"auth.globus.org": {"scope": "s", "access_token": "\#(Self.access)"  "refresh_token": "\#(Self.refresh)"}}"#,
            #"{"auth.globus.org": "\#(Self.access)\#u{01}"}"#,
        ]
        for json in hostile {
            let error = try #require(throws: TokenStorageError.self) {
                _ = try TokenJSON.decode(Array(json.utf8), path: "/tmp/t.json")
            }
            var dumped = ""
            dump(error, to: &dumped)
            for text in [String(describing: error), String(reflecting: error), error.localizedDescription, dumped] {
                assertNoSecret(text)
            }
            #expect(String(describing: error).hasPrefix("/tmp/t.json: "))
        }
    }

    @Test func iniErrorsNeverQuoteTheLine() throws {
        let directory = try TemporaryDirectory()
        let lines = [
            "\(Self.access)\n[tokens]\n",
            "[tokens]\n\(Self.access)\n",
            "[tokens]\nx__access_token = %\(Self.access)\n",
            "[tokens]\nx__access_token = %(\(Self.access))s\n",
            "[tokens]\n\(Self.access) = \(Self.refresh)\n",
            "[tokens]\na = 1\na = \(Self.access)\n",
        ]
        for (index, text) in lines.enumerated() {
            let path = try directory.write("bad\(index).cfg", text)
            let error = try #require(throws: TokenStorageError.self) {
                _ = try ConfigParserTokenStorage(path: path).readTokens()
            }
            assertNoSecret(String(describing: error))
            #expect(String(describing: error).hasPrefix(path + ": "))
        }
    }

    @Test func formatErrorsWithholdNamesThatCouldBeTokens() {
        let error = TokenFormatError(.unexpectedValues, resourceServer: Self.access, keys: ["id_token", Self.refresh])
        #expect(error.description == "token set for <name withheld>: unexpected keys id_token, 1 withheld (unexpected_values)")
        var dumped = ""
        dump(error, to: &dumped)
        assertNoSecret(dumped)
        assertNoSecret(String(reflecting: error))
        let plain = TokenFormatError(.missingRequired, resourceServer: "transfer.api.globus.org", keys: ["scope", "access_token"])
        #expect(plain.description == "token set for 'transfer.api.globus.org': missing required keys access_token, scope (missing_required)")
    }
}
