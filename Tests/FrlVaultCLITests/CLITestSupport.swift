#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A private temporary directory (mkdtemp: 0700) holding one test's vault, keyfiles and
/// inputs, and a way to run `frl-vault` there with a clean environment.
final class Sandbox {
    let directory: String
    /// Variables every run gets; HOME points here so the default vault path is inside.
    var environment: [String: String]

    init() {
        var template = Array("/tmp/frl-vault-cli-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { buffer in
            precondition(mkdtemp(buffer.baseAddress!) != nil, "mkdtemp failed")
            return String(cString: buffer.baseAddress!)
        }
        environment = ["PATH": Posix.path, "HOME": directory, "LC_ALL": "C"]
    }

    deinit {
        _ = ChildProcess("/bin/rm", ["-rf", directory], environment: ["PATH": Posix.path]).wait()
    }

    func path(_ name: String) -> String { directory + "/" + name }

    var vault: String { path("vault") }

    @discardableResult
    func run(
        _ arguments: [String], environment extra: [String: String] = [:], input: ChildProcess.Input = .devNull,
        descriptors: [Int32: [UInt8]] = [:], timeout: Double = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ChildProcess.Outcome {
        let child = start(arguments, environment: extra, input: input, descriptors: descriptors)
        let outcome = child.wait(timeout: timeout)
        #expect(!outcome.timedOut, "frl-vault \(arguments.joined(separator: " ")) did not finish in \(timeout) s", sourceLocation: sourceLocation)
        return outcome
    }

    func start(
        _ arguments: [String], environment extra: [String: String] = [:], input: ChildProcess.Input = .devNull,
        descriptors: [Int32: [UInt8]] = [:]
    ) -> ChildProcess {
        ChildProcess(Binary.path, arguments, environment: environment.merging(extra) { $1 }, input: input, extraDescriptors: descriptors)
    }

    func write(_ text: String, to name: String, mode: mode_t = 0o600) {
        let file = path(name)
        // O_CLOEXEC: a child a parallel test spawns meanwhile must not inherit the write end,
        // or executing this file (a script) fails with "text file busy".
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        precondition(fd >= 0, "cannot create \(file)")
        let bytes = Array(text.utf8)
        precondition(bytes.isEmpty || Glibc.write(fd, bytes, bytes.count) == bytes.count)
        fchmod(fd, mode)
        close(fd)
    }

    func read(_ name: String) -> String? {
        let file = name.hasPrefix("/") ? name : path(name)
        guard let handle = fopen(file, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func exists(_ name: String) -> Bool {
        access(name.hasPrefix("/") ? name : path(name), F_OK) == 0
    }

    func mode(_ name: String) -> mode_t {
        var info = stat()
        precondition(stat(name.hasPrefix("/") ? name : path(name), &info) == 0)
        return info.st_mode & 0o7777
    }

    // MARK: Common set-ups

    /// `keygen` + `init` with that keyfile; returns the keyfile's path.
    @discardableResult
    func makeKeyfileVault(keyfile: String = "key", sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let key = path(keyfile)
        let generated = run(["keygen", key])
        #expect(generated.status == 0, "keygen: \(generated.stderr)", sourceLocation: sourceLocation)
        let created = run(["init", "--vault", vault, "--keyfile", key])
        #expect(created.status == 0, "init: \(created.stderr)", sourceLocation: sourceLocation)
        return key
    }

    /// A passphrase vault with the cheap preset; returns the passphrase file's path.
    @discardableResult
    func makePassphraseVault(passphrase: String = Fixtures.passphrase, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        write(passphrase + "\n", to: "passphrase")
        let created = run(["init", "--vault", vault, "--passphrase-file", path("passphrase"), "--kdf", "interactive"])
        #expect(created.status == 0, "init: \(created.stderr)", sourceLocation: sourceLocation)
        return path("passphrase")
    }

    /// Imports `Fixtures.json` into the vault with the given key arguments.
    func importFixture(_ keyArguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        write(Fixtures.pythonJSON, to: "fixture.json")
        let imported = run(["import", path("fixture.json"), "--vault", vault] + keyArguments)
        #expect(imported.status == 0, "import: \(imported.stderr)", sourceLocation: sourceLocation)
    }
}

enum Posix {
    static let path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
}

/// Where the built `frl-vault` is: next to the test bundle in the products directory (as
/// swift-argument-parser's own example tests find theirs).
enum Binary {
    static let path: String = {
        var candidates: [String] = []
        if let override = getenv("FRL_VAULT_BINARY") { candidates.append(String(cString: override)) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var directory = executable
            while let slash = directory.lastIndex(of: "/") {
                directory = String(directory[..<slash])
                candidates.append(directory + "/frl-vault")
                if directory.hasSuffix("/.build") { break }
            }
        }
        let packageRoot = String(#filePath.split(separator: "/Tests/").first!)
        candidates.append(packageRoot + "/.build/debug/frl-vault")
        for candidate in candidates where access(candidate, X_OK) == 0 { return candidate }
        fatalError("frl-vault binary not found; looked at \(candidates)")
    }()
}
