import Foundation
@testable import NativeLogin
import Testing
import Tokens

/// Globus Auth's token responses and error bodies, decoded without a server.
@Suite("Token responses")
struct TokenResponseTests {
    private func map(_ json: String) throws(AuthFailure) -> TokenMap { try map(200, json) }

    private func map(_ status: Int, _ json: String) throws(AuthFailure) -> TokenMap {
        try TokenResponse.tokenMap(from: AuthHTTPClient.Response(status: status, body: Data(json.utf8)), endpoint: "/t")
    }

    @Test func firstTokenAndOtherTokensByResourceServer() throws {
        let before = Int(Date().timeIntervalSince1970)
        let tokens = try map("""
            {"access_token": "A1", "expires_in": 172800, "resource_server": "auth.globus.org", "scope": "openid email",
             "token_type": "Bearer", "refresh_token": "R1", "id_token": "x", "state": "_default",
             "other_tokens": [{"access_token": "A2", "expires_in": 3600, "resource_server": "transfer.api.globus.org",
                               "scope": "urn:t", "token_type": "Bearer", "refresh_token": null}]}
            """)
        let after = Int(Date().timeIntervalSince1970)
        #expect(tokens.count == 2)
        let auth = try #require(tokens["auth.globus.org"])
        #expect(auth.accessToken == "A1" && auth.refreshToken == "R1" && auth.scope == "openid email")
        #expect((before + 172800...after + 172800).contains(auth.expiresAtSeconds))
        let transfer = try #require(tokens["transfer.api.globus.org"])
        #expect(transfer.refreshToken == nil)
        #expect((before + 3600...after + 3600).contains(transfer.expiresAtSeconds))
    }

    @Test func lifetimesAreBounded() throws {
        let now = Int(Date().timeIntervalSince1970)
        let missing = try map(#"{"access_token": "A", "resource_server": "r", "scope": "s", "refresh_token": ""}"#)["r"]
        #expect(missing.map { abs($0.expiresAtSeconds - now) <= 1 } == true, "no expires_in: expired now, as in Python")
        #expect(missing?.refreshToken == nil, "an empty refresh token is none")
        let negative = try map(#"{"access_token": "A", "resource_server": "r", "scope": "s", "expires_in": -50}"#)["r"]
        #expect(negative.map { $0.expiresAtSeconds <= now + 1 } == true)
        let huge = try map(#"{"access_token": "A", "resource_server": "r", "scope": "s", "expires_in": 1e300}"#)["r"]
        #expect(huge.map { $0.expiresAtSeconds <= now + 10 * 365 * 24 * 3600 + 1 } == true)
        for literal in ["9223372036854775807", "99999999999999999999999999999999", "1.7976931348623157e308"] {
            let largest = try map(#"{"access_token": "A", "resource_server": "r", "scope": "s", "expires_in": \#(literal)}"#)["r"]
            #expect(largest.map { $0.expiresAtSeconds > now && $0.expiresAtSeconds <= now + 10 * 365 * 24 * 3600 + 1 } == true, "\(literal)")
        }
    }

    @Test(arguments: [
        #"{"access_token": "", "resource_server": "r", "scope": "s"}"#,
        #"{"access_token": "A", "resource_server": "", "scope": "s"}"#,
        #"{"access_token": "A", "resource_server": "r", "scope": "s", "token_type": "MAC"}"#,
        #"{"access_token": 5, "resource_server": "r", "scope": "s"}"#,
        #"{"resource_server": "r", "scope": "s"}"#,
        #"{"access_token": "A", "resource_server": "r", "scope": "s", "other_tokens": [{"access_token": "B"}]}"#,
        #"[]"#, "", "<html>",
    ])
    func unusableAnswersAreRefused(json: String) {
        #expect(throws: AuthFailure.self) { try map(json) }
        do { _ = try map(json) } catch {
            guard case .invalidResponse = error else { Issue.record("expected invalidResponse, got \(error)"); return }
        }
    }

    @Test func errorBodies() {
        #expect(throws: AuthFailure.invalidGrant(endpoint: "/t")) { try map(400, #"{"error": "invalid_grant"}"#) }
        #expect(throws: AuthFailure.oauthError(endpoint: "/t", status: 401, error: "invalid_client")) {
            try map(401, #"{"error": "invalid_client", "error_description": "secret stuff"}"#)
        }
        #expect(throws: AuthFailure.oauthError(endpoint: "/t", status: 403, error: "FORBIDDEN")) {
            try map(403, #"{"errors": [{"code": "FORBIDDEN", "detail": "x"}]}"#)
        }
        for smuggled in ["AgX9rT2kLmN0pQ7s", "bad token:Ag", "line\\nbreak", "", String(repeating: "a", count: 41)] {
            #expect(throws: AuthFailure.oauthError(endpoint: "/t", status: 400, error: "unrecognized")) {
                try map(400, #"{"error": "\#(smuggled)"}"#)
            }
        }
        #expect(throws: AuthFailure.httpStatus(endpoint: "/t", status: 502)) { try map(502, "<html>bad gateway</html>") }
        #expect(throws: AuthFailure.httpStatus(endpoint: "/t", status: 201)) { try map(201, "{}") }
    }
}
