import Testing
import Tokens

/// The JSON reader accepts what Python's json.loads accepts, and the writer produces
/// json.dump(indent=2)'s bytes.
@Suite struct JSONFormatTests {
    func decode(_ text: String) throws -> TokenMap {
        try TokenJSON.decode(Array(text.utf8), path: "t.json")
    }

    static let body = #""scope": "s", "access_token": "A", "resource_server": "r""#

    @Test func swiftWritesPythonsBytes() throws {
        let tokens = try Fixtures.expectedTokens("python-written.json.expected.json")
        #expect(TokenJSON.encode(tokens) == (try Fixtures.bytes("python-written.json")))
        #expect(TokenJSON.encode([:]) == Array("{}".utf8))
    }

    @Test func pythonQuirksAreAccepted() throws {
        // Repeated key: the last wins, as in a Python dict.
        #expect(try decode(#"{"r": {\#(Self.body), "expires_at_seconds": 1, "expires_at_seconds": 2}}"#)["r"]?.expiresAtSeconds == 2)
        #expect(try decode(#" {"r" : {\#(Self.body),"expires_at_seconds":1e3}} "#)["r"]?.expiresAtSeconds == 1000)
        #expect(try decode(#"{"r": {\#(Self.body), "expires_at_seconds": -0.9}}"#)["r"]?.expiresAtSeconds == 0)
        #expect(try decode(#"{"r": {"scope": "\u00e9\ud83d\ude00\/", "access_token": "A", "resource_server": "r", "expires_at_seconds": 1}}"#)["r"]?.scope == "é😀/")
        #expect(try decode("{}") == [:])
    }

    @Test(arguments: [
        ("", 1, 1), ("{", 1, 2), ("{\"a\": 1,}", 1, 9), ("{\n  \"a\" 1}", 2, 7), ("[1] x", 1, 5),
        ("{\"a\": 01}", 1, 8), ("{\"a\": \"\u{01}\"}", 1, 8), ("{\"a\": \"\\x\"}", 1, 8),
        ("{\"a\": \"\\ud800\"}", 1, 14), ("\u{FEFF}{}", 1, 1), ("{\"a\": tru}", 1, 7),
        // Where json.loads stops: after the longest number (a dangling '.' or 'e' is the next
        // token's problem), after a '-' with no digit, at the end of a cut-short \u escape.
        ("{\"a\": 1.}", 1, 8), ("{\"a\": 1e}", 1, 8), ("{\"a\": 1e+}", 1, 8), ("{\"a\": -x}", 1, 8),
        ("{\"a\": \"\\u12", 1, 12),
    ])
    func malformedJSONNamesLineAndColumn(_ text: String, _ line: Int, _ column: Int) throws {
        let error = try #require(throws: TokenStorageError.self) { _ = try decode(text) }
        guard case .malformedJSON(let path, let gotLine, let gotColumn, _) = error else {
            Issue.record("expected malformedJSON, got \(error)")
            return
        }
        #expect(path == "t.json")
        #expect(gotLine == line)
        #expect(gotColumn == column)
    }

    @Test("invalid UTF-8 is reported after the string that holds it, as json.loads finds it")
    func invalidUTF8Column() throws {
        let error = try #require(throws: TokenStorageError.self) {
            _ = try TokenJSON.decode([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], path: "t")
        }
        guard case .malformedJSON(_, 1, 5, _) = error else {
            Issue.record("\(error)")
            return
        }
    }

    @Test func invalidUTF8IsMalformed() {
        #expect(throws: TokenStorageError.self) { _ = try TokenJSON.decode([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], path: "t") }
    }

    @Test func hostileNestingFailsCleanly() throws {
        let deep = String(repeating: "[", count: 100_000)
        let error = try #require(throws: TokenStorageError.self) { _ = try decode(deep) }
        #expect(String(describing: error).contains("nested deeper"))
    }

    @Test func topLevelMustBeAnObject() throws {
        for text in ["null", "[]", "1", "\"x\""] {
            #expect(throws: TokenStorageError.invalidTokens(path: "t.json", error: TokenFormatError(.notADict, resourceServer: nil))) {
                _ = try decode(text)
            }
        }
    }

    @Test func writerEscapesLikePython() throws {
        let set = TokenSet(
            scope: "\u{7F}\u{1F}\u{08}\u{0C}\r\n\t\"\\/ é 😀 \u{2028}", accessToken: "A", refreshToken: nil,
            expiresAtSeconds: 1, resourceServer: "r")
        let text = String(decoding: TokenJSON.encode(["r": set]), as: UTF8.self)
        #expect(text.contains(#""scope": "\u007f\u001f\b\f\r\n\t\"\\/ \u00e9 \ud83d\ude00 \u2028""#))
        #expect(try decode(text) == ["r": set])
    }
}
