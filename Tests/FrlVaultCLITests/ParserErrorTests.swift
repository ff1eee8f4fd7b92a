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
        ]
        for (arguments, fragment) in cases {
            let outcome = box.run(arguments)
            expectFailure(outcome, 64, mentioning: [fragment])
            #expect(!outcome.stderr.contains(secret) && !outcome.stdout.contains(secret), "\(arguments) echoed: \(outcome.stderr)")
        }
    }
}
