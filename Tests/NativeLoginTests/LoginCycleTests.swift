import FakeAuthServer
import Foundation
import NativeLogin
import Testing
import Tokens

/// One body, every storage: the client must behave the same whatever keeps its tokens.
@Suite("Full login cycle against every storage")
struct LoginCycleTests {
    @Test(arguments: StorageKind.allCases)
    func fullCycle(kind: StorageKind) throws {
        let directory = try TemporaryDirectory()
        try runFullCycle(storage: try kind.make(in: directory))
    }
}

/// Login through the local server with a browser that follows the redirect, load, expire and
/// refresh, load by scope, logout. Shared with the vault tests.
func runFullCycle(storage: any TokenStorage) throws {
    let fixture = try LoginFixture(storage: storage)
    let auth = fixture.auth

    // Login: the flow runs, the browser lands on the local server's success page.
    let tokens = try fixture.login()
    #expect(Set(tokens.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
    #expect(tokens.values.allSatisfy { $0.refreshToken != nil && auth.isLive(accessToken: $0.accessToken) })
    #expect(tokens[FakeGlobusAuth.authServer]?.scopes == ["openid", "profile", "email"])

    let page = try #require(fixture.browser.lastPage)
    #expect(page.status == 200)
    #expect(page.url.host == "127.0.0.1")
    #expect(page.body.contains("Login Successful"))
    #expect(page.body.contains("Cycle &lt;Test&gt; &amp; App"))

    let authorize = try #require(auth.requests(to: "/v2/oauth2/authorize").first)
    #expect(authorize.fields["client_id"] == LoginFixture.clientID)
    #expect(authorize.fields["access_type"] == "offline")
    #expect(authorize.fields["code_challenge_method"] == "S256")
    #expect(authorize.fields["prefill_named_grant"] == "\(LoginFixture.appName) Login")
    #expect(authorize.fields["scope"] == LoginFixture.scopes.joined(separator: " "))
    #expect(authorize.fields["redirect_uri"]?.hasPrefix("http://127.0.0.1:") == true)
    #expect((authorize.fields["state"]?.count ?? 0) >= 43)
    let exchange = try #require(auth.requests(to: "/v2/oauth2/token").first)
    #expect(exchange.fields["grant_type"] == "authorization_code")
    #expect(exchange.fields["redirect_uri"] == authorize.fields["redirect_uri"])
    #expect(PKCELength.range.contains(exchange.fields["code_verifier"]?.count ?? 0))

    // Saved, and loaded without any request.
    #expect(try storage.readTokens() == tokens)
    let requestsAfterLogin = auth.requests.count
    #expect(try fixture.client.loadTokens(requestedScopes: LoginFixture.scopes) == tokens)
    #expect(try fixture.login() == tokens, "a second login returns the saved tokens")
    #expect(auth.requests.count == requestsAfterLogin, "valid saved tokens need no request")

    // Expire one set: loading refreshes it with its refresh token and saves the result.
    try fixture.expireStored(FakeGlobusAuth.transferServer)
    let transferRefresh = try #require(tokens[FakeGlobusAuth.transferServer]?.refreshToken)
    let refreshed = try fixture.client.loadTokens()
    #expect(auth.timesSpent(refreshToken: transferRefresh) == 1)
    #expect(auth.refreshAttempts.count == 1, "only the expired set is refreshed")
    let newTransfer = try #require(refreshed[FakeGlobusAuth.transferServer])
    #expect(newTransfer.accessToken != tokens[FakeGlobusAuth.transferServer]?.accessToken)
    #expect(!newTransfer.isExpired())
    #expect(newTransfer.refreshToken == transferRefresh)
    #expect(refreshed[FakeGlobusAuth.authServer] == tokens[FakeGlobusAuth.authServer])
    #expect(try storage.readTokens() == refreshed, "the refreshed set was saved")

    // By scope: each scope maps to the set that holds it.
    let byScope = try fixture.client.loadTokensByScope(requestedScopes: ["openid", FakeGlobusAuth.transferScope])
    #expect(byScope["openid"] == refreshed[FakeGlobusAuth.authServer])
    #expect(byScope[FakeGlobusAuth.transferScope] == newTransfer)
    #expect(byScope["email"] == refreshed[FakeGlobusAuth.authServer])
    #expect(throws: LoadError.scopesMismatch(missingScopes: ["urn:globus:auth:scope:search.api.globus.org:all"])) {
        try fixture.client.loadTokens(requestedScopes: ["openid", "urn:globus:auth:scope:search.api.globus.org:all"])
    }

    // Logout: every access and refresh token revoked at the server, storage empty.
    try fixture.client.logout()
    let everyToken = Set(refreshed.values.flatMap { [$0.accessToken, $0.refreshToken].compactMap { $0 } })
    #expect(everyToken.count == 4)
    #expect(everyToken.isSubset(of: auth.revokedTokens))
    #expect(auth.requests(to: "/v2/oauth2/token/revoke").allSatisfy { $0.fields["client_id"] == LoginFixture.clientID })
    #expect(try storage.readTokens().isEmpty)
    #expect(throws: LoadError.noSavedTokens) { try fixture.client.loadTokens() }
}

enum PKCELength {
    static let range = 43...128
}
