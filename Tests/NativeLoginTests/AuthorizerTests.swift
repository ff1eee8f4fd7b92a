import FakeAuthServer
import Foundation
import NativeLogin
import Testing
import Tokens

@Suite("Authorizers")
struct AuthorizerTests {
    @Test func kindsFollowTheRefreshToken() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        let authorizers = try fixture.client.getAuthorizers()
        #expect(authorizers.values.allSatisfy { $0 is RefreshTokenAuthorizer })
        let header = try #require(authorizers[FakeGlobusAuth.transferServer]).authorizationHeader()
        #expect(header == "Bearer \(tokens[FakeGlobusAuth.transferServer]?.accessToken ?? "")")
        #expect(fixture.auth.refreshAttempts.isEmpty, "a valid token is not refreshed")

        let byScope = try fixture.client.getAuthorizersByScope(requestedScopes: ["openid", "email"])
        #expect(Set(byScope.keys) == ["openid", "profile", "email"])

        var plain = try #require(tokens[FakeGlobusAuth.authServer])
        plain.refreshToken = nil
        let access = fixture.client.authorizer(for: plain)
        #expect(access is AccessTokenAuthorizer)
        #expect(try access.authorizationHeader() == "Bearer \(plain.accessToken)")
        #expect(try access.handleUnauthorized() == false)
    }

    @Test func refreshesShortlyBeforeExpiryAndSaves() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        var soon = try #require(tokens[FakeGlobusAuth.transferServer])
        soon.expiresAtSeconds = Int(Date().timeIntervalSince1970) + 30
        try fixture.client.saveTokens([soon.resourceServer: soon])
        let authorizer = try #require(fixture.client.authorizer(for: soon) as? RefreshTokenAuthorizer)

        let header = try authorizer.authorizationHeader()
        #expect(header != "Bearer \(soon.accessToken)")
        #expect(fixture.auth.refreshAttempts.count == 1)
        let stored = try #require(try fixture.storage?.readTokens()[soon.resourceServer])
        #expect(header == "Bearer \(stored.accessToken)", "the new token was saved")
        #expect(authorizer.expiresAtSeconds == stored.expiresAtSeconds)
        _ = try authorizer.authorizationHeader()
        #expect(fixture.auth.refreshAttempts.count == 1, "a fresh token is not refreshed again")
    }

    /// Another process refreshed first and saved: the authorizer adopts the saved token instead
    /// of spending the refresh token again.
    @Test func adoptsATokenSomeoneElseRefreshed() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        var stale = try #require(tokens[FakeGlobusAuth.authServer])
        stale.expiresAtSeconds = 0
        let authorizer = try #require(fixture.client.authorizer(for: stale) as? RefreshTokenAuthorizer)
        // The stored set is still the fresh one from login.
        #expect(try authorizer.authorizationHeader() == "Bearer \(tokens[FakeGlobusAuth.authServer]?.accessToken ?? "")")
        #expect(fixture.auth.refreshAttempts.isEmpty)
    }

    @Test func unauthorizedForcesARefresh() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        let set = try #require(tokens[FakeGlobusAuth.authServer])
        let authorizer = fixture.client.authorizer(for: set)
        #expect(try authorizer.handleUnauthorized())
        #expect(fixture.auth.refreshAttempts.count == 1)
        let header = try authorizer.authorizationHeader()
        #expect(header != "Bearer \(set.accessToken)")
        #expect(try fixture.storage?.readTokens()[set.resourceServer].map { "Bearer \($0.accessToken)" } == header)
    }

    @Test func withoutStorageRefreshesInMemory() throws {
        let fixture = try LoginFixture(storage: nil)
        let tokens = try fixture.login()
        var set = try #require(tokens[FakeGlobusAuth.authServer])
        set.expiresAtSeconds = 0
        let authorizer = fixture.client.authorizer(for: set)
        #expect(try authorizer.authorizationHeader() != "Bearer \(set.accessToken)")
        #expect(fixture.auth.refreshAttempts.count == 1)
    }

    @Test func rejectedRefreshTokenIsTokensExpired() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        let tokens = try fixture.login()
        var set = try #require(tokens[FakeGlobusAuth.authServer])
        set.expiresAtSeconds = 0
        try fixture.client.saveTokens([set.resourceServer: set])
        fixture.auth.setToken(.invalidGrantForRefresh)
        let authorizer = fixture.client.authorizer(for: set)
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.authServer])) { try authorizer.authorizationHeader() }
        #expect(try fixture.storage?.readTokens()[set.resourceServer] == set)
    }
}
