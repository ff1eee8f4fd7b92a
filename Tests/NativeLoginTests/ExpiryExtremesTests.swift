import FakeAuthServer
import Foundation
@testable import NativeLogin
import Testing
import Tokens

/// Validation accepts any 64-bit `expires_at_seconds`, so a file (or another program) can hold
/// `Int.min` or `Int.max`: deciding whether such a set needs a refresh must not trap.
@Suite("Expiry times at the ends of Int")
struct ExpiryExtremesTests {
    private static func set(expiresAt: Int, refresh: Bool = true) -> TokenSet {
        TokenSet(scope: FakeGlobusAuth.transferScope, accessToken: "stored-access", refreshToken: refresh ? "stored-refresh" : nil,
                 expiresAtSeconds: expiresAt, resourceServer: FakeGlobusAuth.transferServer)
    }

    @Test func saturatingSums() {
        #expect(Seconds.adding(60, to: 1_700_000_000) == 1_700_000_060)
        #expect(Seconds.adding(60, to: .max - 59) == .max)
        #expect(Seconds.adding(60, to: .max) == .max)
        #expect(Seconds.adding(-1, to: .min) == .min)
        #expect(Seconds.adding(.min, to: -1) == .min)
        #expect(Seconds.adding(.max, to: .min) == -1)
    }

    @Test(arguments: [
        (Int.min, Int.min, true), (Int.min, 0, true), (Int.min, Int.max, true), (Int.min + 59, 0, true),
        (Int.max, Int.max, true), (Int.max, Int.max - 61, false), (Int.max, 0, false),
        (1_000_060, 1_000_000, true), (1_000_061, 1_000_000, false),
    ])
    func needsRefreshAtTheEnds(expiresAt: Int, now: Int, expected: Bool) {
        #expect(NativeClient.needsRefresh(Self.set(expiresAt: expiresAt), now: now) == expected)
    }

    /// A stored set that "expired" at Int.min is refreshed like any expired one; one that expires
    /// at Int.max is used as it is.
    @Test func loadTokensAndAuthorizersHandleBothEnds() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        var ancient = try #require(tokens[FakeGlobusAuth.transferServer])
        ancient.expiresAtSeconds = .min
        var forever = try #require(tokens[FakeGlobusAuth.authServer])
        forever.expiresAtSeconds = .max
        try fixture.client.saveTokens([ancient.resourceServer: ancient, forever.resourceServer: forever])

        let loaded = try fixture.client.loadTokens()
        #expect(fixture.auth.refreshAttempts.count == 1)
        #expect(loaded[ancient.resourceServer].map { $0.accessToken != ancient.accessToken && !$0.isExpired() } == true)
        #expect(loaded[forever.resourceServer] == forever)

        let neverRefreshed = fixture.client.authorizer(for: forever)
        #expect(try neverRefreshed.authorizationHeader() == "Bearer \(forever.accessToken)")
        let refreshing = try #require(fixture.client.authorizer(for: ancient) as? RefreshTokenAuthorizer)
        #expect(try refreshing.authorizationHeader() != "Bearer \(ancient.accessToken)")
        #expect(refreshing.expiresAtSeconds > NativeClient.now())
        #expect(fixture.auth.refreshAttempts.count == 1, "the authorizer adopted the set loadTokens saved")
    }

    @Test func refreshTokensHandlesBothEnds() throws {
        let fixture = try LoginFixture(storage: nil)
        let tokens = try fixture.login()
        var ancient = try #require(tokens[FakeGlobusAuth.transferServer])
        ancient.expiresAtSeconds = .min
        var forever = try #require(tokens[FakeGlobusAuth.authServer])
        forever.expiresAtSeconds = .max
        let refreshed = try fixture.client.refreshTokens([ancient.resourceServer: ancient, forever.resourceServer: forever])
        #expect(refreshed[forever.resourceServer] == forever)
        #expect(refreshed[ancient.resourceServer].map { !$0.isExpired() } == true)
        #expect(fixture.auth.refreshAttempts.count == 1)
    }

    @Test func unrefreshableAncientSetIsTokensExpired() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage([FakeGlobusAuth.transferServer: Self.set(expiresAt: .min, refresh: false)]))
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.transferServer])) {
            try fixture.client.loadTokens()
        }
    }
}
