import Foundation
@testable import NativeLogin
import Testing

@Suite("Authorize URL and Globus Auth base URL")
struct AuthorizeRequestTests {
    private func request(refreshTokens: Bool = false, queryParams: [String: String] = [:]) throws -> AuthorizationRequest {
        try AuthorizationRequest(
            authBase: AuthBaseURL("https://auth.example.org/"), clientID: "client-1",
            scopes: ["openid", "urn:globus:auth:scope:transfer.api.globus.org:all"], refreshTokens: refreshTokens,
            prefillNamedGrant: "My App Login", queryParams: queryParams)
    }

    private func query(_ url: URL) -> [String: String] {
        FormEncoding.decode(Substring(url.query ?? ""))
    }

    @Test func carriesTheFlowParameters() throws {
        let request = try request()
        let url = request.authorizeURL(redirectURI: "http://127.0.0.1:5000/")
        #expect(url.scheme == "https")
        #expect(url.host == "auth.example.org")
        #expect(url.path == "/v2/oauth2/authorize")
        let fields = query(url)
        #expect(fields == [
            "client_id": "client-1", "redirect_uri": "http://127.0.0.1:5000/",
            "scope": "openid urn:globus:auth:scope:transfer.api.globus.org:all", "state": request.state,
            "response_type": "code", "code_challenge": request.pkce.codeChallenge, "code_challenge_method": "S256",
            "access_type": "online", "prefill_named_grant": "My App Login",
        ])
        #expect(!(url.query ?? "").contains("+"), "spaces are %20, never a '+' a decoder could misread")
        #expect(!(url.absoluteString.contains(request.pkce.codeVerifier)), "the verifier never leaves the client here")
    }

    @Test func refreshTokensAskForOfflineAccess() throws {
        #expect(query(try request(refreshTokens: true).authorizeURL(redirectURI: "x"))["access_type"] == "offline")
    }

    @Test func eachAttemptHasItsOwnStateAndVerifier() throws {
        let first = try request(), second = try request()
        #expect(first.state != second.state)
        #expect(first.pkce.codeVerifier != second.pkce.codeVerifier)
        #expect(first.state.count == 43)
    }

    @Test func extraQueryParametersAreAppendedInNameOrder() throws {
        let url = try request(queryParams: ["session_required_identities": "a b", "prompt": "login"]).authorizeURL(redirectURI: "x")
        let fields = query(url)
        #expect(fields["session_required_identities"] == "a b")
        #expect(fields["prompt"] == "login")
        let text = url.absoluteString
        #expect(try #require(text.range(of: "prompt=")).lowerBound < #require(text.range(of: "session_required_identities=")).lowerBound)
    }

    @Test(arguments: AuthorizationRequest.reservedQueryParameters.sorted())
    func flowParametersCannotBeReplaced(name: String) {
        #expect(throws: LoginUsageError.reservedQueryParameter(name: name)) { try request(queryParams: [name: "evil"]) }
    }

    @Test func helperPageFollowsTheBaseURL() throws {
        #expect(try request().helperPageRedirectURI == "https://auth.example.org/v2/web/auth-code")
    }

    @Test func loginUsesDefaultScopesAndGrantName() throws {
        let fixture = try LoginFixture(storage: nil) { parts in [parts.localServer(timeoutSeconds: 0.1, browser: BrowserOpener.none)] }
        _ = try? fixture.client.login()
        let printed = try #require(fixture.output.firstURL)
        let fields = query(printed)
        #expect(fields["scope"] == NativeClient.defaultRequestedScopes.joined(separator: " "))
        #expect(fields["prefill_named_grant"] == "\(LoginFixture.appName) Login")
        _ = try? fixture.client.login(requestedScopes: ["openid openid", "email"], prefillNamedGrant: "Laptop")
        let second = query(try #require(fixture.output.text.split(separator: "\n").filter { $0.hasPrefix("http") }.last.flatMap { URL(string: String($0)) }))
        #expect(second["scope"] == "openid email", "scopes are split on spaces and deduplicated")
        #expect(second["prefill_named_grant"] == "Laptop")
    }

    // MARK: Base URL

    @Test func baseURLPrecedence() throws {
        let variable = AuthBaseURL.environmentVariable
        #expect(variable == "GLOBUS_SDK_SERVICE_URL_AUTH")
        #expect(try AuthBaseURL.resolve(explicit: nil, environment: [:]) == .production)
        #expect(try AuthBaseURL.resolve(explicit: nil, environment: [variable: ""]) == .production)
        #expect(try AuthBaseURL.resolve(explicit: nil, environment: [variable: "https://auth.preview.globus.org/"]).description
                == "https://auth.preview.globus.org")
        #expect(try AuthBaseURL.resolve(explicit: "http://127.0.0.1:8080", environment: [variable: "https://other.example"]).description
                == "http://127.0.0.1:8080")
        #expect(AuthBaseURL.production.description == "https://auth.globus.org")
    }

    @Test(arguments: ["http://auth.globus.org", "ftp://auth.globus.org", "auth.globus.org", "https://", "not a url",
                      "https://user:pw@auth.globus.org", "https://auth.globus.org/?x=1", "https://auth.globus.org/#f"])
    func unsafeOrMalformedBaseURLsAreRefused(text: String) {
        #expect(throws: LoginUsageError.self) { try AuthBaseURL(text) }
    }

    @Test(arguments: ["http://127.0.0.1:1", "http://localhost:8080/", "http://[::1]:9000", "https://auth.globus.org/"])
    func loopbackHTTPAndAnyHTTPSAreAccepted(text: String) throws {
        _ = try AuthBaseURL(text)
    }

    @Test func clientReadsTheEnvironmentVariable() throws {
        let client = try NativeClient(clientID: "c", tokenStorage: nil, environment: [AuthBaseURL.environmentVariable: "http://127.0.0.1:4444"])
        #expect(client.authBaseURL.description == "http://127.0.0.1:4444")
        #expect(throws: LoginUsageError.invalidAuthBaseURL(source: "GLOBUS_SDK_SERVICE_URL_AUTH", reason: "plain http is only accepted for a loopback host")) {
            try NativeClient(clientID: "c", tokenStorage: nil, environment: [AuthBaseURL.environmentVariable: "http://evil.example"])
        }
        #expect(throws: LoginUsageError.emptyClientID) { try NativeClient(clientID: "", tokenStorage: nil) }
    }
}
