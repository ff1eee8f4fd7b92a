import FakeAuthServer
import Foundation
@testable import NativeLogin
import Testing
import Tokens

/// No token, code, verifier or state reaches a description, debug description, mirror or error.
@Suite("Redaction")
struct RedactionTests {
    private func rendered(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    @Test func secretsNeverPrint() throws {
        let request = try AuthorizationRequest(
            authBase: .production, clientID: "client", scopes: ["openid"], refreshTokens: true,
            prefillNamedGrant: "g", queryParams: [:])
        let code = try #require(AuthorizationCode("SECRET-CODE-123", redirectURI: "http://127.0.0.1:1/"))
        let fixture = try LoginFixture(storage: nil)
        let set = TokenSet(scope: "openid", accessToken: "SECRET-ACCESS", refreshToken: "SECRET-REFRESH",
                           expiresAtSeconds: 0, resourceServer: "auth.globus.org")
        let authorizers: [any Authorizer] = [AccessTokenAuthorizer(accessToken: "SECRET-ACCESS"), fixture.client.authorizer(for: set)]

        let cases: [(Any, [String])] = [
            (request, [request.state, request.pkce.codeVerifier]),
            (request.pkce, [request.pkce.codeVerifier]),
            (code, ["SECRET-CODE-123"]),
        ] + authorizers.map { ($0, ["SECRET-ACCESS", "SECRET-REFRESH"]) }
        for (value, secrets) in cases {
            for text in rendered(value) {
                for secret in secrets { #expect(!text.contains(secret), "\(type(of: value)) shows a secret") }
            }
        }
    }

    /// Every error the login flows above produced, rendered every way, against every token the
    /// fake server issued and every code and verifier it saw.
    @Test func errorsCarryNoSecrets() throws {
        // The wrong-state login below waits out the timeout: forged redirects do not end it.
        let fixture = try LoginFixture(storage: MemoryTokenStorage()) { parts in [parts.localServer(timeoutSeconds: 1)] }
        try fixture.login()
        var errors: [any Error] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        fixture.auth.setToken(.invalidGrantForRefresh)
        collect { _ = try fixture.client.loadTokens() }
        fixture.auth.setToken(.serverError)
        collect { try fixture.client.logout() }
        collect { try fixture.login(force: true) }
        fixture.auth.setToken(.garbage)
        collect { try fixture.login(force: true) }
        fixture.auth.setToken(.normal)
        fixture.auth.setAuthorize(.wrongState)
        collect { try fixture.login(force: true) }
        fixture.auth.setAuthorize(.deny)
        collect { try fixture.login(force: true) }
        #expect(errors.count == 6)

        let secrets = fixture.auth.requests.flatMap { request in
            ["code", "code_verifier", "refresh_token", "token", "state"].compactMap { request.fields[$0] }
        } + (try fixture.storage?.readTokens().values.flatMap { [$0.accessToken, $0.refreshToken ?? ""] } ?? [])
        #expect(secrets.count > 10)
        for error in errors {
            for text in rendered(error) {
                for secret in secrets where !secret.isEmpty { #expect(!text.contains(secret), "\(error) shows a secret") }
            }
            #expect(!String(describing: error).contains("\n"), "one line")
        }
    }
}
