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
}
