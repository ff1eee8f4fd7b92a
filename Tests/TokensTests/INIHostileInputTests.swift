import Testing
import Tokens

/// Files built to make the INI reader do unbounded work. Each test simply has to finish: before
/// the fixes these ran for minutes or exhausted memory, and each checks the outcome too.
@Suite struct INIHostileInputTests {
    /// Mirrors `INIDocument.maximumInterpolatedBytes`.
    static let interpolationCap = 1 << 20

    static func read(_ text: String) throws -> (path: String, result: Result<TokenMap, TokenStorageError>) {
        let directory = try TemporaryDirectory()
        let path = try directory.write("hostile.cfg", text)
        let storage = ConfigParserTokenStorage(path: path)
        return (path, Result { () throws(TokenStorageError) in try storage.readTokens() })
    }

    /// `bomb` refers to x9, which refers eight times to x8, ... down to x0: ten levels, the most
    /// Python allows, for 8^9 copies of x0 from a file of about 700 bytes.
    static func referenceBomb(leaf: String) -> String {
        var text = "[tokens]\nbomb = %(x9)s\n"
        for level in stride(from: 9, through: 1, by: -1) {
            text += "x\(level) = " + String(repeating: "%(x\(level - 1))s", count: 8) + "\n"
        }
        return text + "x0 = \(leaf)\n"
    }

    static func expectInterpolationCap(_ text: String, line: Int) throws {
        let (path, result) = try read(text)
        guard case .failure(.malformedINI(let errorPath, let errorLine, let problem)) = result else {
            Issue.record("expected malformedINI, got \(result)")
            return
        }
        #expect(errorPath == path)
        #expect(errorLine == line)
        #expect(problem.contains("interpolation expands beyond \(interpolationCap) bytes"))
    }

    @Test func anExponentialReferenceChainIsRefused() throws {
        let text = Self.referenceBomb(leaf: "0123456789abcdef")
        #expect(text.utf8.count < 1000)
        try Self.expectInterpolationCap(text, line: 2)
    }

    /// References to an empty value add nothing to the output but still cost a scan each.
    @Test func anExponentialChainOfEmptyValuesIsRefused() throws {
        try Self.expectInterpolationCap(Self.referenceBomb(leaf: ""), line: 2)
    }

    @Test func legitimateInterpolationStillWorks() throws {
        let (_, result) = try Self.read("""
            [DEFAULT]
            a__resource_server = auth.globus.org
            a__token_type = Bearer

            [tokens]
            a__scope = openid %(a__resource_server)s 100%%
            a__access_token = %(a__token_type)s-%(a__scope)s
            a__expires_at_seconds = 10
            a__resource_server = %(a__token_type)s.example

            """)
        // A section's option overrides a default of the same name, also inside references.
        let tokens = try result.get()
        let set = try #require(tokens["Bearer.example"])
        #expect(set.scope == "openid Bearer.example 100%")
        #expect(set.accessToken == "Bearer-openid Bearer.example 100%")
    }

    /// The cap counts the bytes references bring in: exactly the cap is read, one more is not.
    @Test(arguments: [false, true])
    func theCapIsExact(oneByteOver: Bool) throws {
        let half = String(repeating: "r", count: Self.interpolationCap / 2 + (oneByteOver ? 1 : 0))
        let text = """
            [tokens]
            a__resource_server = rs
            a__scope = s
            a__access_token = %(a__refresh_token)s%(a__refresh_token)s
            a__refresh_token = \(half)
            a__expires_at_seconds = 10

            """
        if oneByteOver {
            try Self.expectInterpolationCap(text, line: 4)
        } else {
            let tokens = try Self.read(text).result.get()
            #expect(tokens["rs"]?.accessToken.utf8.count == Self.interpolationCap)
        }
    }
}

/// Parsing work grows linearly with the file. Each file is big enough that a quadratic reader
/// would take minutes on it (the duplicate-option check used to be one), small enough that a
/// linear one reads it in about a second in a debug build.
extension INIHostileInputTests {
    static let tokensSection = """
        [tokens]
        a__resource_server = rs
        a__scope = s
        a__access_token = A
        a__expires_at_seconds = 10

        """

    static func expectDuplicate(_ text: String, line: Int, _ message: String) throws {
        let (_, result) = try read(text)
        guard case .failure(.malformedINI(_, let errorLine, let problem)) = result else {
            Issue.record("expected malformedINI, got \(result)")
            return
        }
        #expect(errorLine == line)
        #expect(problem.contains(message))
    }

    /// The duplicate at the end must still be found among all the others.
    @Test func manyOptionsInOneSection() throws {
        var text = "[other]\n"
        for index in 0..<60_000 { text += "o\(index) = \(index)\n" }
        try Self.expectDuplicate(text + "O0 = again\n", line: 60_002, "appears twice in one section")
    }

    /// [DEFAULT] may be opened again and again; its options are checked across all of them.
    @Test func manyDefaultsAcrossRepeatedDefaultHeaders() throws {
        var text = ""
        for index in 0..<30_000 { text += "[DEFAULT]\nd\(index) = \(index)\n" }
        try Self.expectDuplicate(text + "[DEFAULT]\nD7 = again\n", line: 60_002, "appears twice in [DEFAULT]")
    }

    /// Empty lines belong to the value until it ends, and are stripped from its end.
    @Test func aValueFollowedByManyEmptyLines() throws {
        let text = Self.tokensSection.replacing(
            "a__access_token = A\n", with: "a__access_token = A\n" + String(repeating: "\n", count: 200_000))
        #expect(try Self.read(text).result.get()["rs"]?.accessToken == "A")
    }

    @Test func aValueWithManyContinuationLines() throws {
        let text = Self.tokensSection.replacing(
            "a__scope = s\n", with: "a__scope = s\n" + String(repeating: "\tt\n", count: 100_000))
        let scope = try #require(try Self.read(text).result.get()["rs"]?.scope)
        #expect(scope.utf8.count == 1 + 2 * 100_000)
        #expect(scope.hasSuffix("\nt\nt"))
    }

    @Test func veryLongLinesOfSpaceAroundAValue() throws {
        let spaces = String(repeating: " ", count: 500_000)
        let text = Self.tokensSection.replacing("a__access_token = A\n", with: "a__access_token =\(spaces)A\(spaces)\n")
            + "[long\(spaces)]\n\(spaces)\n"
        #expect(try Self.read(text).result.get()["rs"]?.accessToken == "A")
    }
}
