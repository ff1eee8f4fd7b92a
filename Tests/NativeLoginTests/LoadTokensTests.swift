import FakeAuthServer
import Foundation
import NativeLogin
import Testing
import Tokens

/// Python's `load_tokens` / `save_tokens` / `refresh_tokens` semantics, on a memory storage.
@Suite("Loading, saving and refreshing")
struct LoadTokensTests {
    static let now = Int(Date().timeIntervalSince1970)

    static func set(_ server: String, scope: String, expiresIn: Int, refresh: Bool) -> TokenSet {
        TokenSet(scope: scope, accessToken: "access-\(server)-\(expiresIn)", refreshToken: refresh ? "refresh-\(server)" : nil,
                 expiresAtSeconds: now + expiresIn, resourceServer: server)
    }

    static let auth = set(FakeGlobusAuth.authServer, scope: "openid profile email", expiresIn: 3600, refresh: false)
    static let transfer = set(FakeGlobusAuth.transferServer, scope: FakeGlobusAuth.transferScope, expiresIn: 3600, refresh: false)
    static let expiredTransfer = set(FakeGlobusAuth.transferServer, scope: FakeGlobusAuth.transferScope, expiresIn: -10, refresh: false)

    private func client(_ storage: (any TokenStorage)?) throws -> (NativeClient, FakeGlobusAuth) {
        let auth = try FakeGlobusAuth()
        return (try NativeClient(clientID: "c", tokenStorage: storage, codeHandlers: [], authBaseURL: auth.baseURL, environment: [:]), auth)
    }

    @Test func withoutStorageNothingLoadsOrSaves() throws {
        let (client, auth) = try client(nil)
        defer { auth.stop() }
        #expect(throws: LoadError.tokenStorageDisabled) { try client.loadTokens() }
        #expect(throws: LoadError.tokenStorageDisabled) { try client.saveTokens([:]) }
        #expect(throws: LoadError.tokenStorageDisabled) { try client.logout() }
        #expect(throws: LoadError.tokenStorageDisabled) { try client.getAuthorizers() }
    }

    @Test func emptyStorageHasNoSavedTokens() throws {
        let (client, auth) = try client(MemoryTokenStorage())
        defer { auth.stop() }
        #expect(throws: LoadError.noSavedTokens) { try client.loadTokens() }
        #expect(throws: LoadError.noSavedTokens) { try client.loadTokens(requestedScopes: ["openid"]) }
    }

    @Test func requestedScopesSelectTheSetsHoldingThem() throws {
        let (client, auth) = try client(MemoryTokenStorage([FakeGlobusAuth.authServer: Self.auth, FakeGlobusAuth.transferServer: Self.transfer]))
        defer { auth.stop() }
        #expect(try client.loadTokens(requestedScopes: ["openid"]) == [FakeGlobusAuth.authServer: Self.auth])
        #expect(try client.loadTokens(requestedScopes: ["email profile"]) == [FakeGlobusAuth.authServer: Self.auth])
        #expect(try client.loadTokens().count == 2)
        #expect(throws: LoadError.scopesMismatch(missingScopes: ["urn:x", "urn:y"])) {
            try client.loadTokens(requestedScopes: ["urn:x", "openid", "urn:y"])
        }
    }

    @Test func expiredWithoutRefreshTokenNamesTheServer() throws {
        let storage = MemoryTokenStorage([FakeGlobusAuth.authServer: Self.auth, FakeGlobusAuth.transferServer: Self.expiredTransfer])
        let (client, auth) = try client(storage)
        defer { auth.stop() }
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.transferServer])) {
            try client.loadTokens(requestedScopes: [FakeGlobusAuth.transferScope])
        }
        // Without requested scopes the expired set is left out and the rest returned (Python).
        #expect(try client.loadTokens() == [FakeGlobusAuth.authServer: Self.auth])
        #expect(storage.readTokens().count == 2, "nothing is deleted")
        #expect(auth.requests.isEmpty)
    }

    @Test func allExpiredAndUnrefreshable() throws {
        let expiredAuth = Self.set(FakeGlobusAuth.authServer, scope: "openid", expiresIn: 0, refresh: false)
        let (client, auth) = try client(MemoryTokenStorage([FakeGlobusAuth.authServer: expiredAuth, FakeGlobusAuth.transferServer: Self.expiredTransfer]))
        defer { auth.stop() }
        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])) {
            try client.loadTokens()
        }
    }

    @Test func expiredTokensMakeLoginRunTheFlow() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage([FakeGlobusAuth.transferServer: Self.expiredTransfer]))
        let tokens = try fixture.login()
        #expect(fixture.auth.requests(to: "/v2/oauth2/authorize").count == 1)
        #expect(tokens[FakeGlobusAuth.transferServer]?.isExpired() == false)
    }

    @Test func saveMergesAndValidates() throws {
        let storage = MemoryTokenStorage([FakeGlobusAuth.authServer: Self.auth])
        let (client, auth) = try client(storage)
        defer { auth.stop() }
        try client.saveTokens([FakeGlobusAuth.transferServer: Self.transfer])
        #expect(storage.readTokens() == [FakeGlobusAuth.authServer: Self.auth, FakeGlobusAuth.transferServer: Self.transfer])
        var newer = Self.auth
        newer.accessToken = "newer"
        try client.saveTokens([FakeGlobusAuth.authServer: newer])
        #expect(storage.readTokens()[FakeGlobusAuth.authServer] == newer)

        let before = storage.readTokens()
        var wrongType = Self.transfer
        wrongType.tokenType = "MAC"
        #expect(throws: InvalidTokenFormat.self) { try client.saveTokens([FakeGlobusAuth.transferServer: wrongType]) }
        #expect(throws: InvalidTokenFormat.self) { try client.saveTokens(["search.api.globus.org": Self.transfer]) }
        #expect(storage.readTokens() == before)
    }

    @Test func explicitRefreshOnlyTouchesSetsNearExpiry() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        var tokens = try fixture.login()
        let untouched = try fixture.client.refreshTokens(tokens)
        #expect(untouched == tokens)
        #expect(fixture.auth.refreshAttempts.isEmpty)

        tokens[FakeGlobusAuth.authServer]?.expiresAtSeconds = Self.now + 30
        let refreshed = try fixture.client.refreshTokens(tokens)
        #expect(fixture.auth.refreshAttempts.count == 1, "inside the 60 s margin")
        #expect(refreshed[FakeGlobusAuth.authServer]?.accessToken != tokens[FakeGlobusAuth.authServer]?.accessToken)
        #expect(refreshed[FakeGlobusAuth.transferServer] == tokens[FakeGlobusAuth.transferServer])
        #expect(try fixture.storage?.readTokens()[FakeGlobusAuth.authServer] != refreshed[FakeGlobusAuth.authServer], "refreshTokens saves nothing")

        #expect(throws: LoadError.tokensExpired(resourceServers: [FakeGlobusAuth.transferServer])) {
            try fixture.client.refreshTokens([FakeGlobusAuth.transferServer: Self.expiredTransfer])
        }
    }

    @Test func loginReturnsRefreshedTokensWithoutAFlow() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage())
        try fixture.login()
        try fixture.expireStored(FakeGlobusAuth.authServer)
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        let tokens = try fixture.login()
        #expect(fixture.auth.requests(to: "/v2/oauth2/authorize").count == 1, "no second flow")
        #expect(fixture.auth.refreshAttempts.count == 2)
        #expect(tokens.values.allSatisfy { !$0.isExpired() })
        #expect(try fixture.storage?.readTokens() == tokens)
    }

    @Test func forcedLoginRunsTheFlowAgainAndKeepsOtherSets() throws {
        let fixture = try LoginFixture(storage: MemoryTokenStorage(HostileLoginTests.kept))
        let first = try fixture.login()
        let second = try fixture.login(force: true)
        #expect(fixture.auth.requests(to: "/v2/oauth2/authorize").count == 2)
        #expect(first[FakeGlobusAuth.authServer]?.accessToken != second[FakeGlobusAuth.authServer]?.accessToken)
        let stored = try #require(try fixture.storage?.readTokens())
        #expect(stored.count == 3)
        #expect(stored["search.api.globus.org"] == HostileLoginTests.kept["search.api.globus.org"])
    }
}
