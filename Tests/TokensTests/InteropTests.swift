import Testing
import Tokens

/// Files move both ways between this library and Fair Research Login.
@Suite struct InteropTests {
    // MARK: Python wrote, Swift reads

    @Test func readsPythonsJSONFile() throws {
        let tokens = try JSONTokenStorage(path: Fixtures.path("python-written.json")).readTokens()
        #expect(tokens == (try Fixtures.expectedTokens("python-written.json.expected.json")))
        #expect(tokens["resource_server_with_underscores"]?.accessToken == "py-access-%-percent\u{01}")
        #expect(tokens.count == 3)
    }

    @Test func readsPythonsINIFileBothSections() throws {
        let path = Fixtures.path("python-written.cfg")
        let tokens = try ConfigParserTokenStorage(path: path).readTokens()
        #expect(tokens == (try Fixtures.expectedTokens("python-written.cfg.tokens.expected.json")))
        #expect(tokens["resource_server_with_underscores"]?.scope == "custom_scope café 😀 \"quoted\"")
        let client = try MultiClientTokenStorage(clientID: Fixtures.clientID, path: path).readTokens()
        #expect(client == (try Fixtures.expectedTokens("python-written.cfg.client.expected.json")))
        #expect(client["auth.globus.org"]?.refreshToken == nil)
    }

    /// Writing the same tokens back into Python's file must reproduce Python's bytes exactly:
    /// the layout is Python's, and every other section is untouched.
    @Test func rewritingPythonsINIFileChangesNoByte() throws {
        let directory = try TemporaryDirectory()
        let original = try Fixtures.bytes("python-written.cfg")
        let path = directory.file("copy.cfg")
        try SecureFileProbe.write(original, to: path)
        let storage = ConfigParserTokenStorage(path: path)
        try storage.writeTokens(try storage.readTokens())
        let client = MultiClientTokenStorage(clientID: Fixtures.clientID, path: path)
        try client.writeTokens(try client.readTokens())
        #expect(try contents(of: path) == original)
    }

    @Test func rewritingPythonsJSONFileChangesNoByte() throws {
        let directory = try TemporaryDirectory()
        let storage = JSONTokenStorage(path: directory.file("copy.json"))
        try storage.writeTokens(try JSONTokenStorage(path: Fixtures.path("python-written.json")).readTokens())
        #expect(try contents(of: storage.path) == (try Fixtures.bytes("python-written.json")))
    }

    // MARK: Swift writes, Python reads

    static let awkward = tokenMap(
        TokenSet(scope: "openid profile email", accessToken: "swift-access-1", refreshToken: "swift-refresh-1",
                 expiresAtSeconds: 1_700_000_000, resourceServer: "auth.globus.org"),
        TokenSet(scope: "urn:globus:auth:scope:transfer.api.globus.org:all\nsecond line", accessToken: "100% swift",
                 refreshToken: nil, expiresAtSeconds: -1, resourceServer: "transfer.api.globus.org"),
        TokenSet(scope: "café 😀 \"q\" \\", accessToken: "swift/access", refreshToken: "%(not_a_reference)s",
                 expiresAtSeconds: 0, resourceServer: "Server_With.Underscores"))

    @Test func pythonReadsSwiftsJSONFile() throws {
        let directory = try TemporaryDirectory()
        let storage = JSONTokenStorage(path: directory.file("swift.json"))
        var tokens = Self.awkward
        tokens["control"] = TokenSet(scope: "tab\t\u{7F}\u{01}", accessToken: "A", refreshToken: nil, expiresAtSeconds: 5, resourceServer: "control")
        try storage.writeTokens(tokens)
        #expect(try PythonReader.read("json", storage.path) == tokens)
    }

    @Test func pythonReadsSwiftsINIFileAndWritesTheSameBytes() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("swift.cfg", "[app]\nname = demo\n\n")
        try ConfigParserTokenStorage(path: path).writeTokens(Self.awkward)
        try MultiClientTokenStorage(clientID: Fixtures.clientID, path: path).writeTokens(ContractSamplesForInterop.client)
        #expect(try PythonReader.read("ini", path, ["tokens"]) == Self.awkward)
        let rewritten = directory.file("python.cfg")
        #expect(try PythonReader.read("ini", path, [Fixtures.clientID, "--rewrite", rewritten]) == ContractSamplesForInterop.client)
        // Python's ConfigParser, loading and saving Swift's file, produces the same bytes.
        #expect(try contents(of: rewritten) == (try contents(of: path)))
    }

    @Test func pythonSeesAClearedSectionAsEmpty() throws {
        let directory = try TemporaryDirectory()
        let storage = ConfigParserTokenStorage(path: directory.file("cleared.cfg"))
        try storage.writeTokens(Self.awkward)
        try storage.clearTokens()
        #expect(try PythonReader.read("ini", storage.path, ["tokens"]) == [:])
    }

    @Test func theCheckerFailsOnBadFiles() throws {
        // Guards the two tests above: the checker must be able to say no.
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.json", #"{"r": {"scope": 1}}"#)
        let outcome = try PythonReader.run(["json", path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("InvalidTokenFormat"))
    }
}

enum ContractSamplesForInterop {
    static let client = tokenMap(
        TokenSet(scope: "openid", accessToken: "client-access", refreshToken: nil, expiresAtSeconds: 42, resourceServer: "auth.globus.org"))
}
