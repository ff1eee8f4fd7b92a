#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Command-line mistakes are reported by option name, never by the value typed.
@Suite struct ParserErrorTests {
    @Test func parserErrorsNameTheOptionButNeverEchoTheValue() {
        let box = Sandbox()
        let secret = "hunter2secret"
        let cases: [([String], String)] = [
            (["verify", "--passphrase-fd", secret], "--passphrase-fd"),
            (["verify", "--passphrase-fd=\(secret)"], "--passphrase-fd"),
            (["rekey", "--keyfile", "k", "--new-passphrase-fd", secret], "--new-passphrase-fd"),
            (["verify", "--lock-timeout", secret], "--lock-timeout"),
            (["init", "--kdf", secret], "--kdf"),
            (["verify", "--keyfile", "k", secret], "unexpected"),
            (["verify", secret, "again-\(secret)"], "unexpected"),
            (["status", "--json=\(secret)"], "--json"),
            (["show", "--reveal=\(secret)"], "--reveal"),
            (["verify", "-\(secret)"], "not an option"),
        ]
        for (arguments, fragment) in cases {
            let outcome = box.run(arguments)
            expectFailure(outcome, 64, mentioning: [fragment])
            #expect(!outcome.stderr.contains(secret) && !outcome.stdout.contains(secret), "\(arguments) echoed: \(outcome.stderr)")
        }
    }

    @Test func aWordThatLooksLikeGroupedShortFlagsIsAUsageErrorNotHelp() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.read(box.vault)
        let outcome = box.run(["remove", "-hostname", "--vault", box.vault, "--keyfile", key])
        expectFailure(outcome, 64, mentioning: ["not an option"])
        #expect(outcome.stdout.isEmpty, "help was printed: \(outcome.stdout)")
        #expect(box.read(box.vault) == before)
        // -h alone is still help, and a name after -- is a name.
        expectSuccess(box.run(["remove", "-h"]))
        expectFailure(box.run(["remove", "--vault", box.vault, "--keyfile", key, "--", "-hostname"]), 66)
    }
}
