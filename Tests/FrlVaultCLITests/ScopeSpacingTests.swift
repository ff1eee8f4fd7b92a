import Testing

/// `status` prints a set's scopes split on whitespace and joined by single spaces, however the
/// scope string is spaced, wherever a run of spaces falls against the eight-byte words the
/// quick check reads, and without touching scopes that are already so spaced.
@Suite struct ScopeSpacingTests {
    @Test func statusPrintsScopesSingleSpaced() {
        let cases: [(stored: String, printed: String)] = [
            ("openid email", "openid email"),
            ("openid  email", "openid email"),
            (" openid", "openid"),
            ("abcdefg  h", "abcdefg h"),
            ("abcdefgh  i", "abcdefgh i"),
            ("abcdefghijklmno  p", "abcdefghijklmno p"),
            ("urn:globus:auth:scope:transfer.api.globus.org:all   openid", "urn:globus:auth:scope:transfer.api.globus.org:all openid"),
            ("a !b c !d e!", "a !b c !d e!"),
            ("a ! ! ! ! ! ! ! ! !", "a ! ! ! ! ! ! ! ! !"),
        ]
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let sets = cases.enumerated().map { index, scope in
            Fixtures.tokenSet("rs\(index).example.org", scope: scope.stored, expiresAt: 4_102_444_800)
        }
        box.write("{" + sets.joined(separator: ",\n") + "}", to: "spaced.json")
        expectSuccess(box.run(["import", box.path("spaced.json"), "--vault", box.vault, "--keyfile", key]))
        let status = box.run(["status", "--vault", box.vault, "--keyfile", key])
        expectSuccess(status)
        for (index, scope) in cases.enumerated() {
            #expect(status.stdout.contains("  rs\(index).example.org\n    scopes   \(scope.printed)\n"), "\(scope.stored.debugDescription): \(status.stdout)")
        }
    }
}
