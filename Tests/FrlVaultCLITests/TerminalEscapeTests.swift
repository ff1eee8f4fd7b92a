#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Names from a file (resource servers, scopes, namespaces) cannot drive the terminal.
@Suite struct TerminalEscapeTests {
    @Test func controlCharactersFromAFileNeverReachTheTerminalRaw() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        // Clear screen in a resource-server name; retitle-the-window (OSC ... BEL) and a C1 CSI in a scope.
        box.write("{" + Fixtures.tokenSet("evil\\u001b[2J.example.org", scope: "openid\\u001b]0;owned\\u0007 x\\u009b1m\\u007f", expiresAt: 4_102_444_800)
                  + "}", to: "evil.json")
        expectSuccess(box.run(["import", box.path("evil.json"), "--vault", box.vault, "--keyfile", key, "--namespace", "n\u{1B}[31m"]))

        for verb in [["status"], ["show"], ["show", "--reveal"]] {
            let text = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(text)
            for raw in ["\u{1B}", "\u{07}", "\u{9B}", "\u{7F}"] {
                #expect(!text.stdout.contains(raw), "\(verb) printed a raw control character: \(text.stdout.debugDescription)")
            }
            #expect(text.stdout.contains("evil\\x1B[2J.example.org"), "\(verb): \(text.stdout)")
            #expect(text.stdout.contains("openid\\x1B]0;owned\\x07"), "\(verb): \(text.stdout)")
            #expect(text.stdout.contains("namespace n\\x1B[31m"), "\(verb): \(text.stdout)")
        }
        // JSON escapes them itself, and a JSON reader gets the real names back.
        let json = box.run(["status", "--json", "--vault", box.vault, "--keyfile", key])
        expectSuccess(json)
        #expect(!json.stdout.contains("\u{1B}") && !json.stdout.contains("\u{9B}") && !json.stdout.contains("\u{7F}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let namespaces = try #require(object["namespaces"] as? [String: [String: Any]])
        #expect(namespaces["n\u{1B}[31m"]?["evil\u{1B}[2J.example.org"] != nil)
    }

    /// DEL and C1 controls are legal raw in JSON, so a vault holding them is still exactly what
    /// this package writes and is read by the fast in-place pass: they must be escaped all the same.
    @Test func deleteAndC1FromAVaultReadInPlaceAreEscapedToo() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        // DEL alone in an otherwise ASCII scope, and a C1 control in another.
        box.write("{" + Fixtures.tokenSet("a.example.org", scope: "openid\\u007f x", expiresAt: 4_102_444_800) + ","
                  + Fixtures.tokenSet("b.example.org", scope: "openid\\u009b1m", expiresAt: 4_102_444_800) + "}", to: "del.json")
        expectSuccess(box.run(["import", box.path("del.json"), "--vault", box.vault, "--keyfile", key]))
        for verb in [["status"], ["show"], ["show", "--reveal"]] {
            let text = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(text)
            #expect(!text.stdout.contains("\u{7F}") && !text.stdout.contains("\u{9B}"), "\(verb): \(text.stdout.debugDescription)")
            #expect(text.stdout.contains("openid\\x7F x"), "\(verb): \(text.stdout.debugDescription)")
            #expect(text.stdout.contains("openid\\x9B1m"), "\(verb): \(text.stdout.debugDescription)")
        }
        for verb in [["export"], ["show", "--json"], ["status", "--json"]] {
            let json = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(json)
            #expect(json.stdout.contains("\\u007f") && json.stdout.contains("\\u009b"), "\(verb): \(json.stdout)")
            #expect(!json.stdout.contains("\u{7F}") && !json.stdout.contains("\u{9B}"), "\(verb): \(json.stdout.debugDescription)")
        }
    }

    /// Characters that print nothing yet change what the screen says: a right-to-left override
    /// that reverses the rest of the line, the Unicode line and paragraph separators, and the
    /// zero-width ones that make two different names look the same.
    @Test func invisibleFormatCharactersAreEscapedToo() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write("{" + Fixtures.tokenSet("evil\\u202egro.elpmaxe.example.org", scope: "openid\\u2028forged line\\u2029 x\\u200b", expiresAt: 4_102_444_800)
                  + "}", to: "bidi.json")
        expectSuccess(box.run(["import", box.path("bidi.json"), "--vault", box.vault, "--keyfile", key, "--namespace", "n\u{2066}\u{FEFF}"]))
        for verb in [["status"], ["show"], ["show", "--reveal"]] {
            let text = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(text)
            for raw in ["\u{202E}", "\u{2028}", "\u{2029}", "\u{200B}", "\u{2066}", "\u{FEFF}"] {
                #expect(!text.stdout.contains(raw), "\(verb) printed \(raw.unicodeScalars.first!.value) raw: \(text.stdout.debugDescription)")
            }
            #expect(text.stdout.contains("evil\\u202Egro.elpmaxe.example.org"), "\(verb): \(text.stdout)")
            #expect(text.stdout.contains("namespace n\\u2066\\uFEFF"), "\(verb): \(text.stdout)")
        }
        // Accented and other visible non-ASCII text is printed as it is.
        box.write("{" + Fixtures.tokenSet("caf\u{E9}.example.org", scope: "openid \u{65E5}\u{672C}", expiresAt: 4_102_444_800) + "}", to: "plain.json")
        expectSuccess(box.run(["import", box.path("plain.json"), "--vault", box.vault, "--keyfile", key]))
        let shown = box.run(["show", "--vault", box.vault, "--keyfile", key])
        #expect(shown.stdout.contains("caf\u{E9}.example.org") && shown.stdout.contains("openid \u{65E5}\u{672C}"), "\(shown.stdout)")
    }
}
