#if canImport(Glibc)
import Glibc
#endif
import Testing

/// What is not a regular file, wherever a file is expected: refused at once with the exit
/// status of its kind and a hint that fits the option, never waited on, never "i/o error".
@Suite struct NonFileInputTests {
    @Test("import refuses a named FIFO and a socket at once, and still reads a pipe", .timeLimit(.minutes(1)))
    func importInputs() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        #expect(mkfifo(box.path("fifo"), 0o600) == 0)
        #expect(bindSocket(at: box.path("socket")) == 0)
        for name in ["fifo", "socket"] {
            let outcome = box.run(["import", box.path(name), "--format", "json", "--vault", box.vault, "--keyfile", key], timeout: 20)
            expectFailure(outcome, 66, mentioning: [box.path(name), "not a regular file"])
            #expect(outcome.stderr.contains("hint: import a regular file, or a command's output as <(command)"), "\(outcome.stderr)")
        }
        // What `<(cmd)` passes: a pipe's /dev/fd name.
        expectSuccess(box.run(["import", "/dev/fd/5", "--format", "json", "--vault", box.vault, "--keyfile", key],
                              descriptors: [5: Array(Fixtures.pythonJSON.utf8)]))
        expectSuccess(box.run(["import", "/dev/stdin", "--format", "json", "--vault", box.vault, "--keyfile", key],
                              input: .bytes(Array(Fixtures.pythonJSON.utf8))))
        let shown = box.run(["show", "--vault", box.vault, "--keyfile", key])
        #expect(shown.stdout.contains("transfer.api.globus.org"))
    }

    @Test("an import file over 16 MiB is refused before it is read, naming the limit")
    func importSizeLimit() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write("{}", to: "large.json")
        // Sparse: the size is what is checked, before a byte is read.
        #expect(truncate(box.path("large.json"), off_t(16 << 20) + 1) == 0)
        expectFailure(box.run(["import", box.path("large.json"), "--vault", box.vault, "--keyfile", key]), 65,
                      mentioning: [box.path("large.json"), "16777216-byte limit"])
    }

    @Test("a socket as vault, keyfile or passphrase file is 65 or 66, not an i/o error")
    func socketsAreNotFiles() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        #expect(bindSocket(at: box.path("socket")) == 0)
        let socket = box.path("socket")
        expectFailure(box.run(["verify", "--vault", socket, "--keyfile", key]), 65, mentioning: ["not a vault file"])
        expectFailure(box.run(["status", "--vault", socket]), 65, mentioning: ["not a vault file"])
        expectFailure(box.run(["init", "--vault", socket, "--keyfile", key]), 65, mentioning: ["not a vault file"])
        expectFailure(box.run(["verify", "--vault", box.vault, "--keyfile", socket]), 65, mentioning: ["not a regular file"])
        let passphrase = box.run(["verify", "--vault", box.vault, "--passphrase-file", socket])
        expectFailure(passphrase, 66, mentioning: ["not a regular file"])
        #expect(passphrase.stderr.contains("hint: pass a pipe with --passphrase-fd"))
    }

    @Test("init on a directory says it is one, not that a vault exists")
    func initOnADirectory() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        expectFailure(box.run(["init", "--vault", "/", "--keyfile", key]), 66, mentioning: ["is a directory"])
        expectFailure(box.run(["init", "--vault", box.directory, "--keyfile", key]), 66, mentioning: ["is a directory"])
        expectFailure(box.run(["init", "--force", "--yes", "--vault", box.directory, "--keyfile", key]), 66, mentioning: ["is a directory"])
    }
}

/// A Unix socket bound at `path`, left behind by a process that has exited: 0 on success.
func bindSocket(at path: String) -> Int32 {
    ChildProcess(
        "/usr/bin/python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path],
        environment: ["PATH": Posix.path]
    ).wait(timeout: 30).status
}
