import Testing
import Tokens

@Suite struct FlatPackTests {
    static let tokens = tokenMap(
        TokenSet(scope: "openid", accessToken: "A1", refreshToken: nil, expiresAtSeconds: 1_539_984_535, resourceServer: "auth.globus.org"),
        TokenSet(scope: "x y", accessToken: "A2", refreshToken: "R2", expiresAtSeconds: -3, resourceServer: "server_with_underscores"))

    @Test func packsWithPythonsNames() {
        let flat = flatPack(Self.tokens)
        #expect(flat.count == 12)
        #expect(flat["auth_globus_org__access_token"] == "A1")
        #expect(flat["auth_globus_org__refresh_token"] == "")
        #expect(flat["auth_globus_org__expires_at_seconds"] == "1539984535")
        #expect(flat["auth_globus_org__token_type"] == "Bearer")
        #expect(flat["auth_globus_org__resource_server"] == "auth.globus.org")
        #expect(flat["server_with_underscores__expires_at_seconds"] == "-3")
    }

    @Test func unpackInvertsPackEvenWithUnderscoresInServerNames() throws {
        #expect(try flatUnpack(flatPack(Self.tokens)) == Self.tokens)
        #expect(try flatUnpack([:]) == [:])
    }

    @Test func pluggableNamingRoundTrips() throws {
        let flat = flatPack(Self.tokens) { server, field in "\(server)|\(field)" }
        #expect(flat["auth.globus.org|scope"] == "openid")
        let back = try flatUnpack(flat) { key in
            let parts = key.split(separator: "|")
            return (String(parts[0]), String(parts[1]))
        }
        #expect(back == Self.tokens)
    }

    @Test func unpackValidatesAndNamesTheProblem() throws {
        var flat = flatPack(Self.tokens)
        flat["auth_globus_org__expires_at_seconds"] = "soon"
        #expect(throws: TokenFormatError(.invalidType, resourceServer: "auth.globus.org", keys: ["expires_at_seconds"])) {
            _ = try flatUnpack(flat)
        }
        flat = flatPack(Self.tokens)
        flat["auth_globus_org__resource_server"] = nil
        #expect(throws: TokenFormatError(.missingRequired, resourceServer: "auth.globus.org", keys: ["resource_server"])) {
            _ = try flatUnpack(flat)
        }
        flat = flatPack(Self.tokens)
        flat["no_double_underscore"] = "x"
        #expect(throws: TokenFormatError.self) { _ = try flatUnpack(flat) }
        flat = flatPack(Self.tokens)
        flat["a__b__c"] = "x"
        #expect(throws: TokenFormatError.self) { _ = try flatUnpack(flat) }
    }

    @Test func twoGroupsClaimingOneServerAreRefused() {
        var flat = flatPack(Self.tokens)
        for field in ["scope", "access_token", "expires_at_seconds"] {
            flat["copy__\(field)"] = flat["auth_globus_org__\(field)"]
        }
        flat["copy__resource_server"] = "auth.globus.org"
        #expect(throws: TokenFormatError(.resourceServerMismatch, resourceServer: "auth.globus.org", keys: ["resource_server"])) {
            _ = try flatUnpack(flat)
        }
    }

    @Test func defaultKeyFunctionsMatchPython() throws {
        #expect(defaultNameKey("transfer.api.globus.org", "scope") == "transfer_api_globus_org__scope")
        let (group, field) = try defaultFetchKey("transfer_api_globus_org__scope")
        #expect(group == "transfer.api.globus.org")
        #expect(field == "scope")
    }

    // Python's values, from python3: 'a.\u0301b'.replace('.', '_'), 'x___y__z'.split('__').
    @Test func keysAndValuesWorkOnCodePointsAsPythonDoes() throws {
        #expect(defaultNameKey("a.\u{301}b", "scope") == "a_\u{301}b__scope")
        let (group, field) = try defaultFetchKey("a_\u{301}b__scope")
        #expect(group == "a.\u{301}b")
        #expect(field == "scope")
        #expect(throws: TokenFormatError.self) { try defaultFetchKey("x___y__z") }
        let (underscored, rest) = try defaultFetchKey("x___y")
        #expect(underscored == "x" && rest == "_y")
        #expect(throws: TokenFormatError.self) { try defaultFetchKey("no_separator") }
        let (empty, only) = try defaultFetchKey("__scope")
        #expect(empty.isEmpty && only == "scope")
    }
}

@Suite struct ExpiryAndScopeTests {
    @Test func expiryMatchesPythonsComparison() {
        let set = TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: 100, resourceServer: "r")
        #expect(!set.isExpired(now: .init(timeIntervalSince1970: 99.999)))
        #expect(set.isExpired(now: .init(timeIntervalSince1970: 100)))
        #expect(set.isExpired(now: .init(timeIntervalSince1970: 100.5)))
        #expect(set.isExpired())
        let future = TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: Int.max, resourceServer: "f")
        #expect(!future.isExpired())
        #expect(tokenMap(set, future).expiredResourceServers() == ["r"])
    }

    @Test func scopesSplitOnWhitespaceAndFlatten() {
        let tokens = tokenMap(
            TokenSet(scope: " openid\tprofile\nemail ", accessToken: "A", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "auth.globus.org"),
            TokenSet(scope: "urn:globus:auth:scope:transfer.api.globus.org:all", accessToken: "B", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "transfer.api.globus.org"))
        #expect(tokens["auth.globus.org"]?.scopes == ["openid", "profile", "email"])
        #expect(tokens.scopes == ["openid", "profile", "email", "urn:globus:auth:scope:transfer.api.globus.org:all"])
        #expect(tokens.missingScopes(["openid", "custom"]) == ["custom"])
        #expect(tokens.missingScopes(["email"]).isEmpty)
    }
}
