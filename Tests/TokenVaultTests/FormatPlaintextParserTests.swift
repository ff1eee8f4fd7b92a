import FoundationEssentials
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// The plaintext's own JSON writer and parser: strict JSON, exact round trips, and token-set
/// rules identical to the Tokens module's (checked against its JSON storage's decoder).
@Suite("Vault plaintext JSON writer and parser")
struct FormatPlaintextParserTests {
    let path = "/tmp/test.vault"

    private func parse(_ json: String) throws(VaultError) -> VaultDocument {
        let bytes = Array(json.utf8)
        let padded: SecureBytes
        do {
            padded = try SecureBytes(count: bytes.count + 1)
            padded.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
            try Padding.pad(padded, contentCount: bytes.count)
        } catch {
            throw VaultError(error, path: path)
        }
        return try PlaintextDocument.decode(padded, path: path)
    }

    private func reason(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            guard case .invalidTokenData(_, let reason) = error else { return "unexpected \(error)" }
            return reason
        }
    }

    private func wrap(_ tokenSets: String) -> String {
        #"{"frl_vault":1,"namespaces":{"tokens":"# + tokenSets + "}}"
    }

    private let canonical = #"{"access_token":"AT","expires_at_seconds":1,"refresh_token":null,"resource_server":"rs","scope":"s","token_type":"Bearer"}"#

    struct ValidationCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var group_json: String
        var testDescription: String { name }
    }

    static let validationCases: [ValidationCase] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "TokensTests/Fixtures/validation-cases.json")
        return (try? JSONDecoder().decode([ValidationCase].self, from: Data(contentsOf: file))) ?? []
    }()

    @Test("the Tokens module's validation cases are available")
    func casesLoad() {
        #expect(Self.validationCases.count >= 40)
    }

    @Test("every token-set rule case gives the same outcome as the Tokens module's JSON decoder", arguments: validationCases)
    func sameRulesAsTokens(validationCase: ValidationCase) throws {
        let mapJSON = #"{"auth.globus.org":"# + validationCase.group_json + "}"
        let expected: Result<TokenMap, TokenStorageError> = Result { () throws(TokenStorageError) in
            try TokenJSON.decode(Array(mapJSON.utf8), path: "map.json")
        }
        let actual = Result { () throws(VaultError) in try parse(wrap(mapJSON)) }
        switch (expected, actual) {
        case (.success(let map), .success(let document)):
            #expect(document.namespaces["tokens"] == map)
        case (.failure(.invalidTokens), .failure(.invalidTokenData(_, let reason)))
        where validationCase.group_json.contains("NaN") || validationCase.group_json.contains("Infinity"):
            // Python's json module reads NaN and Infinity (and its rules then refuse them);
            // strict JSON has no such numbers, so the vault refuses them one step earlier.
            #expect(reason.hasPrefix("the plaintext is not valid JSON"), "\(reason)")
        case (.failure(.invalidTokens(_, let error)), .failure(let vaultError)):
            #expect(vaultError == .invalidTokenData(path: path, reason: "namespace 'tokens': \(error)"))
        default:
            Issue.record("Tokens: \(expected); vault plaintext: \(actual)")
        }
    }

    @Test("strings survive the writer and the parser, whatever they hold")
    func stringRoundTrip() throws {
        let awkward = [
            "", "plain", "quote \" backslash \\ slash /", "controls \u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}",
            "unicode é ü 漢字 🔑 \u{2028}\u{2029}", String(repeating: "x", count: 100_000),
        ]
        for (index, text) in awkward.enumerated() {
            let server = "rs\(index)"
            let set = TokenSet(scope: text, accessToken: text, refreshToken: text.isEmpty ? nil : text,
                               expiresAtSeconds: index.isMultiple(of: 2) ? Int.min : Int.max, resourceServer: server)
            let document = VaultDocument(namespaces: ["namespace \(text)": [server: set]])
            let padded = try PlaintextDocument.encode(document, path: path)
            #expect(try PlaintextDocument.decode(padded, path: path) == document)
        }
    }

    @Test("the writer reproduces the frozen vectors' plaintext byte for byte")
    func writerMatchesVectors() throws {
        let vectors = try VaultVectors.load().filter { $0.writer == "swift" }
        #expect(vectors.contains { $0.name == "v1-keyfile-large" })
        for vector in vectors {
            let padded = try PlaintextDocument.encode(VaultVectors.document(named: vector.name), path: path)
            let count = try Padding.unpaddedCount(of: padded)
            #expect(padded.withUnsafeBytes { Array($0.prefix(count)) } == Array(vector.plaintext.utf8), "\(vector.name)")
            #expect(padded.count == vector.paddedLength, "\(vector.name)")
        }
    }

    @Test("escapes, including surrogate pairs, decode as JSON says")
    func escapes() throws {
        let json = wrap(#"{"rs":{"access_token":"\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\udd11","expires_at_seconds":-5,"resource_server":"rs","scope":"s"}}"#)
        let set = try #require(try parse(json).namespaces["tokens"]?["rs"])
        #expect(set.accessToken == "\"\\/\u{8}\u{C}\n\r\tAé🔑")
        #expect(set.expiresAtSeconds == -5)
        #expect(set.refreshToken == nil)
        #expect(set.tokenType == "Bearer")
    }

    @Test(
        "malformed JSON is refused with its byte offset, never a crash",
        arguments: [
            ("", 0), (" ", 1), ("{", 1), (#"{"frl_vault":1,}"#, 15), (#"{"frl_vault":01}"#, 14), (#"{"frl_vault":1} x"#, 16),
            (#"{"frl_vault":1,"namespaces":{}}}"#, 31), (#"{"a":"\u12"}"#, 10), (#"{"a":"\x"}"#, 7), ("{\"a\":\"\u{1}\"}", 6),
            (#"{"a":"\ud800"}"#, 12), (#"{"a":"\udc00"}"#, 12), (#"{"a":tru}"#, 5), (#"{"a":-}"#, 5), (#"{"a":1.}"#, 7),
            (#"{"a":1e}"#, 7), (#"{"a":[1,]}"#, 8), (#"{'a':1}"#, 1), ("{\"a\":NaN}", 5),
        ] as [(String, Int)])
    func syntaxErrors(json: String, offset: Int) {
        #expect(reason(json) == "the plaintext is not valid JSON (byte \(offset))")
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() throws {
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            let bytes = Array(#"{"frl_vault":1,"namespaces":{""#.utf8) + bad + Array(#"":{}}}"#.utf8)
            let padded = try bytes.withUnsafeBytes { try Padding.pad($0, toCount: bytes.count + 1) }
            #expect(throws: VaultError.invalidTokenData(path: path, reason: "the plaintext is not valid JSON (byte 30)")) {
                try PlaintextDocument.decode(padded, path: path)
            }
        }
    }

    @Test("duplicate members are refused at every level")
    func duplicates() {
        #expect(reason(#"{"frl_vault":1,"frl_vault":1,"namespaces":{}}"#) == "duplicate member in the document")
        #expect(reason(#"{"frl_vault":1,"namespaces":{"a":{},"a":{}}}"#) == "duplicate member in namespaces")
        #expect(reason(wrap(#"{"rs":\#(canonical),"rs":\#(canonical)}"#)) == "duplicate member in namespaces.tokens")
        #expect(reason(wrap(#"{"rs":{"scope":"s","scope":"s"}}"#)) == "duplicate member in a token set")
    }

    @Test("structure errors name the place; unknown top-level members are ignored")
    func structure() throws {
        #expect(reason("[]") == "wrong type at the document")
        #expect(reason(#"{"namespaces":{}}"#) == "missing \"frl_vault\" in the document")
        #expect(reason(#"{"frl_vault":1}"#) == "missing \"namespaces\" in the document")
        #expect(reason(#"{"frl_vault":"1","namespaces":{}}"#) == "wrong type at frl_vault")
        #expect(reason(#"{"frl_vault":1.0,"namespaces":{}}"#) == "wrong type at frl_vault")
        #expect(reason(#"{"frl_vault":2,"namespaces":{}}"#) == "plaintext document version 2 is not 1")
        #expect(reason(#"{"frl_vault":1,"namespaces":[]}"#) == "wrong type at namespaces")
        #expect(reason(#"{"frl_vault":1,"namespaces":{"tokens":null}}"#) == "wrong type at namespaces.tokens")
        #expect(reason(#"{"frl_vault":1,"namespaces":{"SECRET VALUE":1}}"#) == "wrong type at namespaces.<withheld>")
        let extra = #" { "later" : {"x":[1,2.5e3,true,false,null,"s"]}, "frl_vault" : 1 , "namespaces" : { "tokens" : { } } } "#
        #expect(try parse(extra) == VaultDocument(namespaces: ["tokens": [:]]))
    }

    @Test("hostile nesting is refused, not a stack overflow")
    func nesting() {
        let deep = #"{"frl_vault":1,"x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + #","namespaces":{}}"#
        #expect(reason(deep) == "the plaintext nests deeper than 32 levels")
    }

    @Test("seeded mutations of a valid plaintext parse or fail cleanly")
    func mutations() throws {
        let encoded = try PlaintextDocument.encode(VaultVectors.document, path: path)
        let contentCount = try Padding.unpaddedCount(of: encoded)
        let original = encoded.withUnsafeBytes { Array($0.prefix(contentCount)) }
        for mutated in seededMutations(of: original, seed: 0x5EED, count: 3000) {
            let padded = try mutated.withUnsafeBytes { try Padding.pad($0, toCount: mutated.count + 1) }
            do {
                let document = try PlaintextDocument.decode(padded, path: path)
                // Whatever parsed must be valid by the Tokens rules.
                for map in document.namespaces.values { try map.validate() }
            } catch {
                guard case .invalidTokenData? = error as? VaultError else {
                    Issue.record("unexpected \(error)")
                    continue
                }
            }
        }
    }
}

/// `count` copies of a plaintext, each with one to three bytes replaced, removed or inserted
/// (JSON punctuation, digits, letters of literals, and bytes invalid in UTF-8), reproducibly.
func seededMutations(of original: [UInt8], seed: UInt64, count: Int) -> [[UInt8]] {
    var generator = SplitMix64(seed: seed)
    let alphabet = Array(#"{}[]":,\ "0123456789-+.eEtrufalsn"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
    return (0..<count).map { _ in
        var mutated = original
        for _ in 0...(generator.next() % 3) {
            let position = Int(generator.next() % UInt64(mutated.count))
            switch generator.next() % 3 {
            case 0: mutated[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
            case 1: mutated.remove(at: position)
            default: mutated.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
            }
        }
        return mutated
    }
}

/// A small deterministic generator, so a failing mutation can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
