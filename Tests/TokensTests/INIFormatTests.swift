import Testing
import Tokens

/// ConfigParserTokenStorage reads INI as Python's ConfigParser does and rewrites only its own
/// section.
@Suite struct INIFormatTests {
    static let sample = tokenMap(
        TokenSet(scope: "openid", accessToken: "A1", refreshToken: "R1", expiresAtSeconds: 10, resourceServer: "auth.globus.org"))

    static let sampleSection = """
        [tokens]
        auth_globus_org__scope = openid
        auth_globus_org__access_token = A1
        auth_globus_org__refresh_token = R1
        auth_globus_org__token_type = Bearer
        auth_globus_org__expires_at_seconds = 10
        auth_globus_org__resource_server = auth.globus.org


        """

    @Test func readsHandEditedQuirksAsPythonDoes() throws {
        let tokens = try ConfigParserTokenStorage(path: Fixtures.path("hand-edited.cfg")).readTokens()
        #expect(tokens == (try Fixtures.expectedTokens("hand-edited.cfg.expected.json")))
        #expect(tokens["auth.globus.org"]?.scope == "openid\nprofile\nemail")
        #expect(tokens["transfer.api.globus.org"]?.accessToken == "100%-hand-access")
    }

    @Test func otherSectionsSurviveByteForByte() throws {
        let directory = try TemporaryDirectory()
        let before = "; leading comment\r\n[first]\nkey:value\n  continued\n# comment = not an option\n\n"
        // The section's own lines, comments between its options included, are replaced; lines
        // after its last option are kept (they may describe the next section), less the blank
        // lines that the new section's own trailing blank line stands for.
        let old = "[tokens]\nstale__x = 1\n; inside\nstale__y = 2\n\n\n"
        let after = "# belongs to the next section\n[Last Section]\n\tindented = yes\nno_newline_at_end = 1"
        let path = try directory.write("shared.cfg", before + old + after)
        let storage = ConfigParserTokenStorage(path: path)
        try storage.writeTokens(Self.sample)
        let actual = try text(of: path)
        let expected = before + Self.sampleSection + after
        #expect(actual == expected)
        #expect(try storage.readTokens() == Self.sample)
        // Writing again changes nothing, so the file does not grow blank lines.
        let once = try contents(of: path)
        try storage.writeTokens(Self.sample)
        #expect(try contents(of: path) == once)
    }

    @Test func aMissingSectionIsAppendedAfterABlankLine() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("a.cfg", "[other]\nkey = value")
        try ConfigParserTokenStorage(path: path).writeTokens(Self.sample)
        #expect(try text(of: path) == "[other]\nkey = value\n\n" + Self.sampleSection)
    }

    @Test func aFreshFileIsWhatPythonWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("fresh.cfg")
        let tokens = try ConfigParserTokenStorage(path: Fixtures.path("python-fresh.cfg")).readTokens()
        try ConfigParserTokenStorage(path: path).writeTokens(tokens)
        #expect(try contents(of: path) == (try Fixtures.bytes("python-fresh.cfg")))
    }

    @Test func clearLeavesAnEmptySectionAsPythonDoes() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("c.cfg", "[a]\nx = 1\n\n" + Self.sampleSection + "[b]\ny = 2\n")
        try ConfigParserTokenStorage(path: path).clearTokens()
        #expect(try text(of: path) == "[a]\nx = 1\n\n[tokens]\n\n[b]\ny = 2\n")
        // A file without the section, and no file at all, are left alone.
        let other = try directory.write("d.cfg", "[a]\nx = 1\n")
        try ConfigParserTokenStorage(path: other).clearTokens()
        #expect(try text(of: other) == "[a]\nx = 1\n")
        try ConfigParserTokenStorage(path: directory.file("absent.cfg")).clearTokens()
        #expect(try SecureFileProbe.exists(directory.file("absent.cfg")) == false)
    }

    @Test func percentSignsAndLineBreaksRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let storage = ConfigParserTokenStorage(path: directory.file("p.cfg"))
        let tokens = tokenMap(
            TokenSet(scope: "a\nb", accessToken: "100%", refreshToken: "%(x)s", expiresAtSeconds: 1, resourceServer: "Mixed.Case.Server"))
        try storage.writeTokens(tokens)
        let written = try text(of: storage.path)
        #expect(written.contains("mixed_case_server__access_token = 100%%\n"))
        #expect(written.contains("mixed_case_server__scope = a\n\tb\n"))
        #expect(try storage.readTokens() == tokens)
    }

    // Python (configparser) writes 'p%\u0301q' as 'p%%\u0301q' and reads it back: the "%"
    // is a code point of its own even though a combining mark follows it.
    @Test func aPercentBeforeACombiningMarkRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let storage = ConfigParserTokenStorage(path: directory.file("p.cfg"))
        let tokens = tokenMap(
            TokenSet(scope: "p%\u{301}q", accessToken: "A", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "rs.example.org"))
        try storage.writeTokens(tokens)
        #expect(try text(of: storage.path).contains("rs_example_org__scope = p%%\u{301}q\n"))
        #expect(try storage.readTokens() == tokens)
    }

    @Test(arguments: [
        ("x = 1\n[tokens]\n", 1, "before the first"),
        ("[tokens]\n[tokens]\n", 2, "appears twice"),
        ("[tokens]\na = 1\nA = 2\n", 3, "appears twice"),
        ("[tokens]\n\njust words\n", 3, "neither"),
        ("[tokens]\n = 1\n", 2, "empty name"),
        ("[]\n", 1, "before the first"),
        ("[tokens]\na__scope = 5%\n", 2, "must be followed"),
        ("[tokens]\na__scope = %(missing)s\n", 2, "does not exist"),
        ("[tokens]\na__scope = %(a__scope)s\n", 2, "nest deeper"),
        ("[tokens]\na__scope = %(x\n", 2, "bad %(name)s"),
        ("[tokens]\n\n\u{FF}\n", 3, "UTF-8"),
    ])
    func malformedININamesFileAndLine(_ text: String, _ line: Int, _ problem: String) throws {
        let directory = try TemporaryDirectory()
        var bytes = Array(text.utf8)
        if problem == "UTF-8" { bytes = Array("[tokens]\n\n".utf8) + [0xFF, 0x0A] }
        let path = directory.file("bad.cfg")
        try SecureFileProbe.write(bytes, to: path)
        let error = try #require(throws: TokenStorageError.self) { _ = try ConfigParserTokenStorage(path: path).readTokens() }
        guard case .malformedINI(let errorPath, let errorLine, let message) = error else {
            Issue.record("expected malformedINI, got \(error)")
            return
        }
        #expect(errorPath == path)
        #expect(errorLine == line)
        #expect(message.contains(problem))
        #expect(String(describing: error).hasPrefix("\(path): not a valid INI file at line \(line): "))
        if problem == "must be followed" || problem == "does not exist" || problem == "nest deeper" || problem == "bad %(name)s" {
            // Interpolation happens when values are read, so a write, which replaces the
            // section's values, succeeds (as it does in Python).
            try ConfigParserTokenStorage(path: path).writeTokens(Self.sample)
            #expect(try ConfigParserTokenStorage(path: path).readTokens() == Self.sample)
        } else {
            // A file whose structure is broken is never rewritten: other sections could not be
            // preserved.
            #expect(throws: TokenStorageError.self) { try ConfigParserTokenStorage(path: path).writeTokens(Self.sample) }
            #expect(try contents(of: path) == bytes)
        }
    }

    @Test func otherSectionsProblemsDoNotMatterToReading() throws {
        let directory = try TemporaryDirectory()
        // Python interpolates only the section it is asked for.
        let path = try directory.write("o.cfg", "[other]\nx = 5%\n\n" + Self.sampleSection)
        #expect(try ConfigParserTokenStorage(path: path).readTokens() == Self.sample)
        #expect(try ConfigParserTokenStorage(path: path, section: "absent").readTokens() == [:])
    }

    @Test(arguments: [
        ("equals=sign", "A"), ("double__underscore", "A"), (" padded", "A"), ("[bracket]", "A"),
        ("#comment", "A"), ("auth.globus.org", " leading space"), ("auth.globus.org", "trailing newline\n"),
        ("auth.globus.org", "carriage\rreturn"),
    ])
    func unrepresentableTokensAreRefusedAndNothingIsWritten(_ server: String, _ access: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("u.cfg", "[keep]\nme = 1\n")
        let tokens = tokenMap(TokenSet(scope: "s", accessToken: access, refreshToken: nil, expiresAtSeconds: 1, resourceServer: server))
        let error = try #require(throws: TokenStorageError.self) { try ConfigParserTokenStorage(path: path).writeTokens(tokens) }
        guard case .unrepresentable(path, _) = error else {
            Issue.record("expected unrepresentable, got \(error)")
            return
        }
        #expect(try text(of: path) == "[keep]\nme = 1\n")
    }

    @Test func serversThatFlattenToOneNameAreRefused() throws {
        let directory = try TemporaryDirectory()
        let tokens = tokenMap(
            TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "a.b"),
            TokenSet(scope: "s", accessToken: "B", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "a_b"))
        #expect(throws: TokenStorageError.self) { try ConfigParserTokenStorage(path: directory.file("f.cfg")).writeTokens(tokens) }
        #expect(try SecureFileProbe.exists(directory.file("f.cfg")) == false)
    }

    @Test func aDefaultSectionBlocksWritesButIsMergedOnRead() throws {
        let directory = try TemporaryDirectory()
        let original = try contents(of: Fixtures.path("hand-edited.cfg"))
        let path = directory.file("h.cfg")
        try SecureFileProbe.write(original, to: path)
        let error = try #require(throws: TokenStorageError.self) { try ConfigParserTokenStorage(path: path).writeTokens(Self.sample) }
        #expect(String(describing: error).contains("[DEFAULT]"))
        #expect(try contents(of: path) == original)
    }

    @Test(arguments: ["", "DEFAULT", "a\nb", "a\rb"])
    func unusableSectionNamesAreRefused(_ section: String) throws {
        let directory = try TemporaryDirectory()
        let storage = ConfigParserTokenStorage(path: directory.file("s.cfg"), section: section)
        #expect(throws: TokenStorageError.invalidSection(path: storage.path, section: section)) { try storage.writeTokens(Self.sample) }
        #expect(throws: TokenStorageError.invalidSection(path: storage.path, section: section)) { _ = try storage.readTokens() }
    }

    @Test func defaultPathExpandsHome() {
        #expect(ConfigParserTokenStorage.defaultPath.hasSuffix("/.globus-native-apps.cfg"))
        #expect(!ConfigParserTokenStorage.defaultPath.hasPrefix("~"))
        #expect(ConfigParserTokenStorage().section == "tokens")
        #expect(MultiClientTokenStorage(clientID: "c").path == ConfigParserTokenStorage.defaultPath)
        #expect(JSONTokenStorage().path == "mytokens.json")
    }
}
