#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A passphrase file is held to the keyfile's rules: a regular file nobody else can read or write.
@Suite struct PassphraseFileTests {
    @Test func aPassphraseFileMustBeARegularFile() {
        let box = Sandbox()
        box.makePassphraseVault()
        // What `--passphrase-file <(pass show x)` passes: a pipe's /dev/fd name.
        let piped = box.run(["verify", "--vault", box.vault, "--passphrase-file", "/dev/fd/5"],
                            descriptors: [5: Array((Fixtures.passphrase + "\n").utf8)])
        expectFailure(piped, 66, mentioning: ["/dev/fd/5"])
        #expect(piped.stderr.contains("frl-vault: hint: pass a pipe with --passphrase-fd"))
        // The suggested route works.
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-fd", "5"],
                              descriptors: [5: Array((Fixtures.passphrase + "\n").utf8)]))
    }

    @Test func aPassphraseFileOthersCanReadOrWriteIsRefused() {
        let box = Sandbox()
        let file = box.makePassphraseVault()
        for mode: mode_t in [0o640, 0o604, 0o620, 0o602, 0o644] {
            chmod(file, mode)
            let outcome = box.run(["verify", "--vault", box.vault, "--passphrase-file", file])
            expectFailure(outcome, 78, mentioning: [file])
            #expect(outcome.stderr.contains("frl-vault: hint: fix it with: chmod 600 \(file)"), "mode \(String(mode, radix: 8)): \(outcome.stderr)")
        }
        chmod(file, 0o400)
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", file]))
        // A new vault is not sealed with a passphrase anyone else could read.
        box.write(Fixtures.passphrase + "\n", to: "shared", mode: 0o644)
        expectFailure(box.run(["init", "--vault", box.path("new.vault"), "--passphrase-file", box.path("shared"), "--kdf", "interactive"]), 78)
        #expect(!box.exists("new.vault"))
    }

    /// The file is read into a secure buffer one byte larger than the limit: a file of exactly
    /// the limit opens, one byte more is refused, and so is a first line over the passphrase limit.
    @Test func aPassphraseFileIsReadUpToItsLimit() {
        let box = Sandbox()
        box.makePassphraseVault()
        let firstLine = Fixtures.passphrase + "\n"
        let limit = 64 << 10
        box.write(firstLine + String(repeating: "x", count: limit - firstLine.utf8.count - 1) + "\n", to: "at-limit")
        expectSuccess(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("at-limit")]))
        box.write(firstLine + String(repeating: "x", count: limit - firstLine.utf8.count) + "\n", to: "over-limit")
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("over-limit")]), 65,
                      mentioning: [box.path("over-limit"), "larger than the 65536-byte limit"])
        box.write(String(repeating: "y", count: 4097) + "\n", to: "long-line")
        expectFailure(box.run(["verify", "--vault", box.vault, "--passphrase-file", box.path("long-line")]), 65,
                      mentioning: ["longer than 4096 bytes"])
    }
}
