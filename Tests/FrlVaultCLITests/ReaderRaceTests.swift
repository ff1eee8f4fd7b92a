#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Lock-free readers racing the writers that wipe (rekey, clear): a reader must see the old
/// vault, the new one, or no vault (66), never "damaged" or "not a vault" (65). Before the fix
/// `status` and `verify` racing a rekey exited 65 a few times in thousands of reads, and
/// `import` racing `clear` dozens of times in hundreds.
@Suite struct ReaderRaceTests {
    /// Runs `writer` (a shell loop) once, and `readers` in loops until it ends; returns every
    /// reader's exit status with the command that gave it.
    private func race(in box: Sandbox, writer: String, readers: [(label: String, command: String)]) -> [String] {
        box.write("""
            #!/bin/sh
            # $1: the file to append "status command" lines to; loops until the writer is done.
            while [ ! -e \(box.path("done")) ]; do
            \(readers.map { "  \($0.command) >/dev/null 2>&1; echo \"$? \($0.label)\" >>\"$1\"" }.joined(separator: "\n"))
            done

            """, to: "reader.sh", mode: 0o700)
        box.write("""
            #!/bin/sh
            set -e
            \(writer)
            touch \(box.path("done"))

            """, to: "writer.sh", mode: 0o700)
        let environment = box.environment.merging(["FRL": Binary.path]) { $1 }
        let readerProcesses = (0..<2).map { index in
            ChildProcess("/bin/sh", [box.path("reader.sh"), box.path("codes-\(index)")], environment: environment)
        }
        let written = ChildProcess("/bin/sh", [box.path("writer.sh")], environment: environment).wait(timeout: 240)
        #expect(written.status == 0, "writer: \(written.stderr)")
        if !box.exists("done") { box.write("", to: "done") }
        for reader in readerProcesses { _ = reader.wait(timeout: 60) }
        return (0..<2).flatMap { (box.read("codes-\($0)") ?? "").split(separator: "\n").map(String.init) }
    }

    /// A token map of `count` resource servers in the JSON that Fair Research Login writes.
    static func tokenMap(count: Int) -> String {
        let sets = (0..<count).map { index in
            let server = "rs\(index).example.org"
            return """
                "\(server)": {"scope": "urn:globus:auth:scope:\(server):all", "access_token": "ACCESS-\(index)-0123456789abcdef", \
                "refresh_token": "REFRESH-\(index)-0123456789abcdef", "token_type": "Bearer", "expires_at_seconds": 4102444800, \
                "resource_server": "\(server)"}
                """
        }
        return "{" + sets.joined(separator: ", ") + "}"
    }

    @Test("status and verify racing rekeys see the old vault or the new one, never a damaged one", .timeLimit(.minutes(5)))
    func readersRacingRekey() {
        let box = Sandbox()
        let first = box.makeKeyfileVault()
        // A large vault, so that reading it and overwriting it take long enough to overlap.
        box.write(Self.tokenMap(count: 2000), to: "large.json")
        expectSuccess(box.run(["import", box.path("large.json"), "--vault", box.vault, "--keyfile", first]))
        let second = box.path("second")
        expectSuccess(box.run(["keygen", second]))
        let vault = box.vault
        let lines = race(
            in: box,
            writer: """
                i=0
                while [ $i -lt 40 ]; do
                  "$FRL" rekey --vault \(vault) --keyfile \(first) --new-keyfile \(second)
                  "$FRL" rekey --vault \(vault) --keyfile \(second) --new-keyfile \(first)
                  i=$((i + 1))
                done
                """,
            readers: [("status", "\"$FRL\" status --vault \(vault)"), ("verify", "\"$FRL\" verify --vault \(vault) --keyfile \(first)")])
        // verify with the first key is refused (77) while the vault is under the second.
        let wrong = lines.filter { line in !(line.hasPrefix("0 ") || line == "77 verify") }
        #expect(lines.count > 50, "too few reads to race anything: \(lines.count)")
        #expect(wrong.count == 0, "\(wrong.count) of \(lines.count) reads failed: \(Array(wrong.prefix(5)))")
    }

    @Test("status, verify and import racing clears see a vault or none, never a damaged one", .timeLimit(.minutes(5)))
    func readersRacingClear() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write(Fixtures.pythonJSON, to: "fixture.json")
        let vault = box.vault
        let lines = race(
            in: box,
            writer: """
                i=0
                while [ $i -lt 60 ]; do
                  "$FRL" import \(box.path("fixture.json")) --vault \(vault) --keyfile \(key)
                  "$FRL" clear --yes --vault \(vault) --keyfile \(key)
                  "$FRL" init --vault \(vault) --keyfile \(key) || true
                  i=$((i + 1))
                done
                """,
            readers: [
                ("status", "\"$FRL\" status --vault \(vault)"), ("verify", "\"$FRL\" verify --vault \(vault) --keyfile \(key)"),
                ("import", "\"$FRL\" import \(box.path("fixture.json")) --vault \(vault) --keyfile \(key)"),
            ])
        let wrong = lines.filter { !($0.hasPrefix("0 ") || $0.hasPrefix("66 ")) }
        #expect(lines.count > 50, "too few reads to race anything: \(lines.count)")
        #expect(wrong.count == 0, "\(wrong.count) of \(lines.count) reads failed: \(Array(wrong.prefix(5)))")
    }
}
