#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Moving tokens between the vault and Fair Research Login's plaintext files.
@Suite struct ImportExportTests {
    @Test func pythonJSONImportsAndExportsAsThePythonLibraryWritesIt() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonJSON, to: "tokens.json")
        let imported = box.run(["import", box.path("tokens.json"), "--vault", box.vault, "--keyfile", key])
        expectSuccess(imported)
        #expect(imported.stdout.contains("imported 2 token sets"))
        expectNoSecrets(imported)
        // Sorted resource servers and globus-sdk's field order: json.dump's bytes, plus a newline.
        let exported = box.run(["export", "--vault", box.vault, "--keyfile", key])
        expectSuccess(exported)
        #expect(exported.stdout == Fixtures.pythonJSON + "\n")
    }

    @Test func pythonINISectionImportsAndExportsAsConfigParserWritesIt() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonTokensSection + Fixtures.pythonOtherSection, to: "globus.cfg")
        expectSuccess(box.run(["import", box.path("globus.cfg"), "--vault", box.vault, "--keyfile", key]))
        expectSuccess(box.run(["import", box.path("globus.cfg"), "--section", "other-client", "--namespace", "other-client",
                               "--vault", box.vault, "--keyfile", key]))
        let tokens = box.run(["export", "--format", "cfg", "--vault", box.vault, "--keyfile", key])
        #expect(tokens.stdout == Fixtures.pythonTokensSection)
        let other = box.run(["export", "--format", "cfg", "--namespace", "other-client", "--vault", box.vault, "--keyfile", key])
        #expect(other.stdout == Fixtures.pythonOtherSection)
        expectFailure(box.run(["import", box.path("globus.cfg"), "--section", "absent", "--vault", box.vault, "--keyfile", key]), 66,
                      mentioning: ["absent"])
    }

    /// ConfigParser reads "%" as the start of an interpolation, so an exported INI must write a
    /// literal one as "%%" (as Python's ConfigParserTokenStorage must) to be read back at all.
    @Test func percentSignsAndLineBreaksSurviveAnINIExportAndImport() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write("{" + Fixtures.tokenSet("auth.globus.org", scope: "openid 100%\\nnext %(x)s", expiresAt: 4_102_444_800) + "}",
                  to: "percent.json")
        expectSuccess(box.run(["import", box.path("percent.json"), "--vault", box.vault, "--keyfile", key]))
        let json = box.run(["export", "--vault", box.vault, "--keyfile", key])
        let ini = box.run(["export", "--format", "cfg", "--vault", box.vault, "--keyfile", key])
        expectSuccess(ini)
        #expect(ini.stdout.contains("auth_globus_org__scope = openid 100%%\n\tnext %%(x)s\n"), "\(ini.stdout)")
        box.write(ini.stdout, to: "exported.cfg")
        let other = box.path("other.vault")
        expectSuccess(box.run(["init", "--vault", other, "--keyfile", key]))
        expectSuccess(box.run(["import", box.path("exported.cfg"), "--vault", other, "--keyfile", key]))
        #expect(box.run(["export", "--vault", other, "--keyfile", key]).stdout == json.stdout)
    }

    @Test func theFormatComesFromTheNameElseTheFirstCharacter() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonJSON, to: "mytokens")
        expectSuccess(box.run(["import", box.path("mytokens"), "--vault", box.vault, "--keyfile", key]))
        box.write(Fixtures.pythonTokensSection, to: "noext")
        expectSuccess(box.run(["import", box.path("noext"), "--vault", box.vault, "--keyfile", key]))
        box.write("access_token=x\n", to: "odd")
        let odd = box.run(["import", box.path("odd"), "--vault", box.vault, "--keyfile", key])
        expectFailure(odd, 64, mentioning: ["JSON or INI"])
        #expect(odd.stderr.contains("frl-vault: hint: add --format"))
    }

    @Test func importMergesAndReplacesSetsOfTheSameResourceServer() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let newer = Fixtures.pythonJSON.replacingOccurrences(of: "1600000000", with: "4200000000")
        box.write(newer, to: "newer.json")
        let again = box.run(["import", box.path("newer.json"), "--vault", box.vault, "--keyfile", key])
        #expect(again.stdout.contains("(0 new, 2 replaced)"))
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout == newer + "\n")
    }

    @Test func exportImportRoundTripIntoAPassphraseVault() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        for format in ["json", "cfg"] {
            let exported = box.run(["export", "--format", format, "--vault", box.vault, "--keyfile", key])
            box.write(exported.stdout, to: "exported.\(format)")
            let target = box.path("target-\(format).vault")
            box.write(Fixtures.passphrase + "\n", to: "pass")
            expectSuccess(box.run(["init", "--vault", target, "--passphrase-file", box.path("pass"), "--kdf", "interactive"]))
            expectSuccess(box.run(["import", box.path("exported.\(format)"), "--vault", target, "--passphrase-file", box.path("pass")]))
            let back = box.run(["export", "--format", format, "--vault", target, "--passphrase-file", box.path("pass")])
            #expect(back.stdout == exported.stdout, "\(format) round trip differs")
        }
    }

    @Test func shredSourceWipesThePlaintextOnlyAfterAVerifiedImport() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonJSON, to: "tokens.json")
        let shredded = box.run(["import", box.path("tokens.json"), "--shred-source", "--vault", box.vault, "--keyfile", key])
        expectSuccess(shredded)
        #expect(shredded.stdout.contains("shredded"))
        #expect(!box.exists("tokens.json"))
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout == Fixtures.pythonJSON + "\n")

        // A single-section INI file goes too.
        box.write(Fixtures.pythonTokensSection, to: "single.cfg")
        expectSuccess(box.run(["import", box.path("single.cfg"), "--shred-source", "--vault", box.vault, "--keyfile", key]))
        #expect(!box.exists("single.cfg"))
    }

    @Test func shredSourceKeepsTheFileWhenAnythingFails() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let before = box.read(box.vault)
        // Other clients' sections would be lost: refused before anything is written.
        box.write(Fixtures.pythonTokensSection + Fixtures.pythonOtherSection, to: "multi.cfg")
        expectFailure(box.run(["import", box.path("multi.cfg"), "--shred-source", "--vault", box.vault, "--keyfile", key]), 64,
                      mentioning: ["other-client"])
        #expect(box.exists("multi.cfg"))
        #expect(box.read(box.vault) == before)
        // Wrong key: nothing imported, nothing shredded.
        box.write(Fixtures.pythonJSON, to: "tokens.json")
        expectSuccess(box.run(["keygen", box.path("other")]))
        expectFailure(box.run(["import", box.path("tokens.json"), "--shred-source", "--vault", box.vault, "--keyfile", box.path("other")]), 77)
        #expect(box.read("tokens.json") == Fixtures.pythonJSON)
        // A shred that could not be done is refused before anything is imported: a file
        // with a second name (the shred would destroy that name's bytes too) and a pipe.
        #expect(link(box.path("tokens.json"), box.path("second-name")) == 0)
        expectFailure(box.run(["import", box.path("tokens.json"), "--shred-source", "--vault", box.vault, "--keyfile", key]), 78,
                      mentioning: ["2 names (hard links)"])
        #expect(box.read("tokens.json") == Fixtures.pythonJSON)
        #expect(box.read(box.vault) == before)
        let piped = box.run(["import", "/dev/fd/5", "--format", "json", "--shred-source", "--vault", box.vault, "--keyfile", key],
                            descriptors: [5: Array(Fixtures.pythonJSON.utf8)])
        #expect(piped.status != 0)
        #expect(box.read(box.vault) == before)
        // Invalid data: nothing imported, nothing shredded.
        box.write(Fixtures.invalidTokenTypeJSON, to: "bad.json")
        expectFailure(box.run(["import", box.path("bad.json"), "--shred-source", "--vault", box.vault, "--keyfile", key]), 65)
        #expect(box.exists("bad.json"))
        #expect(box.read(box.vault) == before)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
