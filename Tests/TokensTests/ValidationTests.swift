import Foundation
import Testing
import Tokens

/// The rules of Python's verify_token_group, one by one, plus the table of cases whose
/// outcomes Python itself produced (Fixtures/validation-cases.json).
@Suite struct ValidationTests {
    static var valid: [String: Any] {
        [
            "scope": "openid", "access_token": "A-secret", "refresh_token": "R-secret",
            "token_type": "Bearer", "expires_at_seconds": 1_700_000_000, "resource_server": "auth.globus.org",
        ]
    }

    func group(_ changes: [String: Any?]) -> [String: Any] {
        var result = Self.valid
        for (key, value) in changes {
            if let value { result[key] = value } else { result.removeValue(forKey: key) }
        }
        return result
    }

    func expiry(of value: Any) throws -> Int {
        try TokenSet(validating: group(["expires_at_seconds": value])).expiresAtSeconds
    }

    func code(_ changes: [String: Any?]) -> TokenFormatError.Code? {
        do {
            _ = try TokenSet(validating: group(changes))
            return nil
        } catch {
            return error.code
        }
    }

    // The seven examples the issue names.
    @Test func expiryAcceptsAnInteger() throws { #expect(try expiry(of: 123) == 123) }
    @Test func expiryAcceptsADigitString() throws { #expect(try expiry(of: "123") == 123) }
    @Test func expiryTruncatesAFloat() throws { #expect(try expiry(of: 123.456) == 123) }
    @Test func expiryRejectsLetters() { #expect(code(["expires_at_seconds": "abc"]) == .invalidType) }
    @Test func expiryRejectsTrailingLetters() { #expect(code(["expires_at_seconds": "123abc"]) == .invalidType) }
    @Test func emptyRefreshTokenMeansNone() throws {
        #expect(try TokenSet(validating: group(["refresh_token": nil])).refreshToken == nil)
        #expect(try TokenSet(validating: group(["refresh_token": ""])).refreshToken == nil)
        #expect(try TokenSet(validating: group(["refresh_token": NSNull()])).refreshToken == nil)
        #expect(try TokenSet(validating: group(["refresh_token": Optional<String>.none as Any])).refreshToken == nil)
        #expect(try TokenSet(validating: Self.valid).refreshToken == "R-secret")
    }
    @Test func tokenTypeMustBeBearer() throws {
        #expect(code(["token_type": "MAC"]) == .invalidTokenType)
        #expect(try TokenSet(validating: group(["token_type": nil])).tokenType == "Bearer")
    }

    @Test func onlyTheSixKeysAreAllowed() throws {
        let error = try #require(throws: TokenFormatError.self) {
            try TokenSet(validating: group(["id_token": "x", "other_tokens": []]))
        }
        #expect(error.code == .unexpectedValues)
        #expect(error.keys == ["id_token", "other_tokens"])
        #expect(error.resourceServer == "auth.globus.org")
    }

    @Test(arguments: ["access_token", "expires_at_seconds", "scope", "resource_server"])
    func requiredKeysMustBePresent(_ key: String) {
        #expect(code([key: nil]) == .missingRequired)
    }

    @Test(arguments: ["access_token", "scope", "resource_server"])
    func stringFieldsMustBeStrings(_ key: String) {
        #expect(code([key: 42]) == .invalidType)
        #expect(code([key: ["a"]]) == .invalidType)
    }

    @Test func refreshTokenMustBeAStringOrFalsy() {
        #expect(code(["refresh_token": 5]) == .invalidType)
        #expect(code(["refresh_token": 0]) == nil)
    }

    @Test func notADictIsReported() throws {
        let error = try #require(throws: TokenFormatError.self) {
            _ = try TokenMap.validated(fromJSONObject: ["auth.globus.org": ["not", "a", "dict"]])
        }
        #expect(error.code == .notADict)
        #expect(error.resourceServer == "auth.globus.org")
        #expect(throws: TokenFormatError(.notADict, resourceServer: nil)) {
            _ = try TokenMap.validated(fromJSONObject: [Self.valid])
        }
    }

    /// What NativeLogin gets from JSONSerialization: NSNumber and NSNull, not Swift types.
    @Test func acceptsJSONSerializationOutput() throws {
        let json = #"{"auth.globus.org": {"scope": "s", "access_token": "A", "refresh_token": null, "token_type": "Bearer", "expires_at_seconds": 123.456, "resource_server": "auth.globus.org"}, "b": {"scope": "s", "access_token": "A", "refresh_token": false, "expires_at_seconds": "77", "resource_server": "b"}}"#
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let map = try TokenMap.validated(fromJSONObject: object)
        #expect(map["auth.globus.org"]?.expiresAtSeconds == 123)
        #expect(map["auth.globus.org"]?.refreshToken == nil)
        #expect(map["b"]?.expiresAtSeconds == 77)
        let bad = try JSONSerialization.jsonObject(with: Data(#"{"scope": 5, "access_token": "A", "expires_at_seconds": 1, "resource_server": "r"}"#.utf8))
        #expect(throws: TokenFormatError(.invalidType, resourceServer: "r", keys: ["scope"])) {
            _ = try TokenSet(validating: try #require(bad as? [String: Any]))
        }
        #expect(throws: TokenFormatError(.invalidType, resourceServer: "auth.globus.org", keys: ["expires_at_seconds"])) {
            _ = try TokenSet(validating: group(["expires_at_seconds": Date()]))
        }
    }

    @Test func mapKeysMustBeTheSetsOwnResourceServer() throws {
        let set = try TokenSet(validating: Self.valid)
        #expect(throws: TokenFormatError(.resourceServerMismatch, resourceServer: "transfer.api.globus.org", keys: ["resource_server"])) {
            try ["transfer.api.globus.org": set].validate()
        }
        #expect(throws: Never.self) { try ["auth.globus.org": set].validate() }
    }

    @Test func decodingThroughJSONDecoderAppliesTheRules() throws {
        let json = #"{"auth.globus.org": {"scope": "s", "access_token": "A-secret", "expires_at_seconds": "12", "resource_server": "auth.globus.org", "refresh_token": ""}}"#
        let map = try JSONDecoder().decode(TokenMap.self, from: Data(json.utf8))
        #expect(map["auth.globus.org"]?.expiresAtSeconds == 12)
        #expect(map["auth.globus.org"]?.refreshToken == nil)
        let bad = #"{"transfer.api.globus.org": {"scope": "s", "access_token": "A-secret", "expires_at_seconds": "1x", "resource_server": "x"}}"#
        let error = try #require(throws: TokenFormatError.self) {
            _ = try JSONDecoder().decode(TokenMap.self, from: Data(bad.utf8))
        }
        #expect(error == TokenFormatError(.invalidType, resourceServer: "transfer.api.globus.org", keys: ["expires_at_seconds"]))
    }

    @Test func encodingWritesNullForAMissingRefreshToken() throws {
        let set = TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "r")
        let json = String(decoding: try JSONEncoder().encode(set), as: UTF8.self)
        #expect(json.contains(#""refresh_token":null"#))
        #expect(try JSONDecoder().decode(TokenSet.self, from: Data(json.utf8)) == set)
    }

    @Test func anEmptyRefreshTokenIsStoredAsNil() {
        var set = TokenSet(scope: "s", accessToken: "A", refreshToken: "", expiresAtSeconds: 1, resourceServer: "r")
        #expect(set.refreshToken == nil)
        set.refreshToken = ""
        #expect(set.refreshToken == nil)
    }

    // MARK: The table Python produced

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let groupJSON: String
        let code: String?
        let exception: String?
        let resultJSON: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let data = try? Fixtures.bytes("validation-cases.json"),
            let list = try? JSONSerialization.jsonObject(with: Data(data)) as? [[String: Any]]
        else { return [] }
        return list.map {
            Case(name: $0["name"] as? String ?? "?", groupJSON: $0["group_json"] as? String ?? "",
                 code: $0["code"] as? String, exception: $0["exception"] as? String,
                 resultJSON: $0["result_json"] as? String)
        }
    }()

    /// Decodes a group with the Python-compatible JSON reader (which, like Python, accepts
    /// NaN and Infinity), filed under the group's usual resource server.
    func decode(_ groupJSON: String) throws -> TokenSet? {
        try TokenJSON.decode(Array(#"{"auth.globus.org": \#(groupJSON)}"#.utf8), path: "case")["auth.globus.org"]
    }

    @Test func theTableIsThere() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func matchesPython(_ testCase: Case) throws {
        let outcome = Result { try decode(testCase.groupJSON) }
        func formatError() throws -> TokenFormatError {
            let error = try #require(throws: TokenStorageError.self) { try outcome.get() }
            guard case .invalidTokens(_, let formatError) = error else {
                Issue.record("expected a validation failure, got \(error)")
                throw error
            }
            return formatError
        }
        if let code = testCase.code {
            #expect(try formatError().code.rawValue == code)
        } else if testCase.exception != nil {
            // Python crashes with TypeError/OverflowError here; Swift reports a bad type.
            #expect(try formatError().code == .invalidType)
        } else if testCase.name == "expiry beyond 64 bits" {
            // Python's ints are unbounded; an expiry past 2^63 cannot be an Int, so Swift refuses.
            #expect(try formatError().code == .invalidType)
        } else {
            let cleaned = try decode(try #require(testCase.resultJSON))
            #expect(try outcome.get() == cleaned)
            #expect(cleaned != nil)
        }
    }
}

/// Python's int() holds any integer; a 64-bit field holds exactly Int.min...Int.max.
@Suite struct ExpiryRangeTests {
    private func expiry(_ literal: String) throws -> Int? {
        let json = #"{"a": {"scope": "s", "access_token": "A", "expires_at_seconds": "# + literal + #", "resource_server": "a"}}"#
        return try TokenJSON.decode(Array(json.utf8), path: "x")["a"]?.expiresAtSeconds
    }

    @Test func theWholeSigned64BitRangeAsAStringAndNothingBeyond() throws {
        #expect(try expiry(#""-9223372036854775808""#) == Int.min)
        #expect(try expiry(#"" 9223372036854775807 ""#) == Int.max)
        #expect(try expiry(#""-0""#) == 0)
        for outside in [#""-9223372036854775809""#, #""9223372036854775808""#] {
            #expect(throws: TokenStorageError.self, "\(outside)") { try expiry(outside) }
        }
    }

    @Test func integerLiteralsBeyond64BitsAreRefusedNotRounded() throws {
        #expect(try expiry("-9223372036854775808") == Int.min)
        for literal in ["-9223372036854775809", "-9223372036854776000", "9223372036854775808"] {
            #expect(throws: TokenStorageError.self, "\(literal)") { try expiry(literal) }
        }
    }
}
