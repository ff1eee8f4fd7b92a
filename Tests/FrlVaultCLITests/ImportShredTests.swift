#if canImport(Glibc)
import Glibc
#endif
import Testing

/// An INI file shredded after import must hold nothing else: section names come from the
/// same parser ConfigParser-compatible reads use, never from a scan of header-looking lines.
@Suite struct ImportShredTests {
    /// The [tokens] section with its token_type moved into [DEFAULT], where ConfigParser
    /// still finds it for every section.
    static let tokensWithDefaults = "[DEFAULT]\ntransfer_api_globus_org__token_type = Bearer\n\n"
        + Fixtures.pythonTokensSection.replacingOccurrences(of: "transfer_api_globus_org__token_type = Bearer\n", with: "")

    @Test func shredSourceSeesEverySectionConfigParserSees() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let before = box.read(box.vault)
        let layouts = [
            // A comment after the header: still a section to ConfigParser.
            "commented.cfg": Fixtures.pythonTokensSection + Fixtures.pythonOtherSection.replacingOccurrences(
                of: "[other-client]\n", with: "[other-client] ; a note\n"),
            // An indented header where no value is being continued: a section too.
            "indented.cfg": Fixtures.pythonOtherSection.replacingOccurrences(of: "[other-client]\n", with: "  [other-client]\n")
                + Fixtures.pythonTokensSection,
        ]
        for (name, text) in layouts {
            box.write(text, to: name)
            expectFailure(box.run(["import", box.path(name), "--shred-source", "--vault", box.vault, "--keyfile", key]), 64,
                          mentioning: ["other-client"])
            #expect(box.read(name) == text, "\(name) was touched")
            #expect(box.read(box.vault) == before, "\(name) was imported")
        }
        // [DEFAULT] options belong to every section, so the file is not this import's alone.
        box.write(Self.tokensWithDefaults, to: "defaults.cfg")
        expectFailure(box.run(["import", box.path("defaults.cfg"), "--shred-source", "--vault", box.vault, "--keyfile", key]), 64,
                      mentioning: ["DEFAULT"])
        #expect(box.read("defaults.cfg") == Self.tokensWithDefaults)
        // Without --shred-source the [DEFAULT] value is merged in, as ConfigParser does.
        expectSuccess(box.run(["import", box.path("defaults.cfg"), "--vault", box.vault, "--keyfile", key]))
        #expect(box.run(["export", "--format", "cfg", "--vault", box.vault, "--keyfile", key]).stdout == Fixtures.pythonTokensSection)
    }

    @Test func sectionLookupUsesTheSameParser() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let text = Fixtures.pythonTokensSection + Fixtures.pythonOtherSection.replacingOccurrences(
            of: "[other-client]\n", with: "[other-client] ; a note\n")
        box.write(text, to: "globus.cfg")
        expectSuccess(box.run(["import", box.path("globus.cfg"), "--section", "other-client", "--namespace", "other",
                               "--vault", box.vault, "--keyfile", key]))
        let exported = box.run(["export", "--format", "cfg", "--section", "other-client", "--namespace", "other",
                                "--vault", box.vault, "--keyfile", key])
        #expect(exported.stdout == Fixtures.pythonOtherSection)
        expectFailure(box.run(["import", box.path("globus.cfg"), "--section", "DEFAULT", "--vault", box.vault, "--keyfile", key]), 66)
    }
}
