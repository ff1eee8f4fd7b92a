import FakeAuthServer
import Foundation
import NativeLogin
import Testing
import TokenVault
import Tokens
import VaultCrypto

/// Two processes share a vault whose tokens have all expired and load at the same moment. The
/// fake Globus Auth rotates refresh tokens (a spent one is invalid_grant) and answers refreshes
/// slowly, so both processes are inside their load when the first refresh is in flight. Without
/// the vault's lock around read -> refresh -> write, the second would spend the same refresh token
/// and fail, or write over the first's rotated token.
@Suite("Two processes refreshing one vault")
struct TwoProcessRefreshTests {
    @Test(arguments: ["load", "authorize"])
    func eachRefreshTokenIsSpentOnce(mode: String) throws {
        #expect(FileManager.default.isExecutableFile(atPath: loginChildURL.path), "login-child is built beside the tests")
        let place = try KeyfileVault()
        let (vault, keyfile) = (place.vault, place.keyfile)

        // Another client's tokens share the vault and must come through untouched.
        let neighbour = place.storage(namespace: "other-client")
        let neighbourTokens: TokenMap = ["auth.globus.org": TokenSet(
            scope: "openid", accessToken: "neighbour-access", refreshToken: nil, expiresAtSeconds: 2_000_000_000,
            resourceServer: "auth.globus.org")]
        try neighbour.writeTokens(neighbourTokens)

        let storage = place.storage()
        let fixture = try LoginFixture(storage: storage)
        let auth = fixture.auth
        auth.setRotateRefreshTokens(true)
        let original = try fixture.login()
        try fixture.expireStored(FakeGlobusAuth.authServer)
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        auth.setRefreshDelay(milliseconds: 300)
        let originalRefreshTokens = original.values.compactMap(\.refreshToken)
        #expect(originalRefreshTokens.count == 2)

        let environment = [AuthBaseURL.environmentVariable: auth.baseURL, "PATH": "/usr/bin:/bin"]
        let children = try (0..<2).map { _ in
            try LoginChild([mode, vault, keyfile, LoginFixture.clientID], environment: environment)
        }
        for child in children { #expect(child.readLine() == "ready") }
        for child in children { child.send("go") }
        let results = children.map { $0.finish() }

        for result in results {
            #expect(result.status == 0, "child output: \(result.lines)")
            #expect(result.lines.last == "done")
        }
        for token in originalRefreshTokens {
            #expect(auth.refreshAttempts[token] == 1, "each refresh token is presented once")
            #expect(auth.timesSpent(refreshToken: token) == 1)
        }
        #expect(auth.refreshAttempts.count == 2, "no other refresh was attempted")

        // Both children ended with the same, valid tokens: the ones now in the vault.
        let stored = try storage.readTokens()
        #expect(Set(stored.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        let expected = stored.sorted { $0.key < $1.key }.map { "token \($0.key) \($0.value.expiresAtSeconds) \(fingerprint($0.value.accessToken))" }
        for result in results { #expect(Array(result.lines.dropLast()) == expected) }
        for set in stored.values {
            #expect(!set.isExpired())
            #expect(auth.isLive(accessToken: set.accessToken))
            #expect(set.refreshToken.map { !originalRefreshTokens.contains($0) } == true, "the rotated refresh token was kept")
        }
        #expect(try neighbour.readTokens() == neighbourTokens)

        // And the rotated refresh tokens work: nothing was lost.
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        auth.setRefreshDelay(milliseconds: 0)
        let reloaded = try fixture.client.loadTokens()
        #expect(reloaded[FakeGlobusAuth.transferServer].map { !$0.isExpired() } == true)
        #expect(auth.refreshAttempts.count == 3)
    }

    private func fingerprint(_ token: String) -> String {
        SHA256.hash(Array(token.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
