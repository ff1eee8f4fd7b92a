import Foundation
import Glibc
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// Both directions against tools/vectors/independent_vault.py, an implementation written from
/// SECURITY.md alone (PyNaCl + hashlib). Skipped, with the reason shown, where python3 or
/// PyNaCl is missing; the committed python-*.vault vectors still cover Swift reading it.
@Suite("Interoperability with the independent Python implementation")
struct FormatIndependentImplementationTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "tools/vectors/independent_vault.py").path

    static let pythonWithNaCl: Bool = (try? Python.run(["-c", "import nacl.secret, nacl.pwhash"]).status) == 0

    static let cheapArguments = ["--opslimit", "1", "--memlimit", "8192"]

    @Test(
        "the Python implementation opens the keyfile and interactive vectors and re-seals them byte for byte",
        .enabled(if: pythonWithNaCl, "python3 with PyNaCl (pip install pynacl) is not available"))
    func pythonChecksVectors() throws {
        let result = try Python.run([Self.script, "check", VaultVectors.directory.path, "--max-memlimit", "\(64 << 20)"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("ok v1-keyfile"))
        #expect(result.standardOutput.contains("ok v1-passphrase-interactive"))
    }

    @Test(
        "a vault Swift writes, Python reads to the exact plaintext",
        .enabled(if: pythonWithNaCl, "python3 with PyNaCl (pip install pynacl) is not available"), arguments: [false, true])
    func pythonReadsSwift(usePassphrase: Bool) throws {
        let scratch = try FormatScratch()
        let key = try SymmetricKey.random()
        let material: KeyMaterial = usePassphrase ? .passphrase(try FormatFixtures.passphrase("pässwörd with spaces"), FormatFixtures.cheapKDF) : .rawKey(key)
        let codec = VaultCodec(keyMaterial: material)
        let file = try codec.encode(VaultVectors.document, path: "swift.vault")
        try scratch.write(file, to: "swift.vault")
        try scratch.write(KeyfileFormat.encode(key).withUnsafeBytes { Array($0) }, to: "swift.key")
        let keyArguments = usePassphrase ? ["--passphrase-env", "FRL_TEST_PASSPHRASE"] : ["--keyfile", scratch.path("swift.key")]
        let result = try Python.run(
            [Self.script, "decrypt", scratch.path("swift.vault")] + keyArguments,
            environment: ["FRL_TEST_PASSPHRASE": "pässwörd with spaces"])
        #expect(result.status == 0, "\(result.standardError)")
        let padded = try codec.openPadded(file, path: "swift.vault")
        let plaintextCount = try Padding.unpaddedCount(of: padded)
        let plaintext = padded.withUnsafeBytes { String(decoding: $0.prefix(plaintextCount), as: UTF8.self) }
        #expect(result.standardOutput == plaintext + "\n")
    }

    @Test(
        "a vault Python writes, Swift reads; a wrong key is a wrong key on both sides",
        .enabled(if: pythonWithNaCl, "python3 with PyNaCl (pip install pynacl) is not available"), arguments: [false, true])
    func swiftReadsPython(usePassphrase: Bool) throws {
        let scratch = try FormatScratch()
        let key = try SymmetricKey.random()
        try scratch.write(KeyfileFormat.encode(key).withUnsafeBytes { Array($0) }, to: "python.key")
        let plaintext = """
            {"namespaces": {"tokens": {"auth.globus.org": {"scope": "openid", "access_token": "AT-\\u00e9",
             "refresh_token": "", "token_type": "Bearer", "expires_at_seconds": 1700000000,
             "resource_server": "auth.globus.org"}}}, "frl_vault": 1}
            """
        try scratch.write(Array(plaintext.utf8), to: "plaintext.json")
        let keyArguments = usePassphrase ? ["--passphrase-env", "FRL_TEST_PASSPHRASE"] + Self.cheapArguments : ["--keyfile", scratch.path("python.key")]
        let result = try Python.run(
            [Self.script, "encrypt", "--plaintext", scratch.path("plaintext.json"), "--out", scratch.path("python.vault")] + keyArguments,
            environment: ["FRL_TEST_PASSPHRASE": "correct horse"])
        #expect(result.status == 0, "\(result.standardError)")
        let file = try #require(scratch.read("python.vault"))
        let material: KeyMaterial = usePassphrase ? .passphrase(try FormatFixtures.passphrase("correct horse"), .moderate) : .rawKey(key)
        let document = try VaultCodec(keyMaterial: material).decode(file, path: "python.vault")
        let set = try #require(document.namespaces["tokens"]?["auth.globus.org"])
        #expect(set.accessToken == "AT-é")
        #expect(set.refreshToken == nil)
        let wrong: KeyMaterial = usePassphrase ? .passphrase(try FormatFixtures.passphrase("correct horsE"), .moderate) : .rawKey(try SymmetricKey.random())
        #expect(throws: VaultError.wrongKey(path: "python.vault")) { try VaultCodec(keyMaterial: wrong).decode(file, path: "python.vault") }

        // And Python refuses a Swift vault that has been tampered with, as damage.
        var tampered = try VaultCodec(keyMaterial: material).encode(VaultDocument.empty, path: "t")
        tampered[tampered.count - 1] ^= 1
        try scratch.write(tampered, to: "tampered.vault")
        let refused = try Python.run(
            [Self.script, "decrypt", scratch.path("tampered.vault")] + keyArguments.prefix(2),
            environment: ["FRL_TEST_PASSPHRASE": "correct horse"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("damaged: authentication failed"))
    }
}

/// python3 as a child process.
enum Python {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read before waiting so a full pipe cannot stall the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// A private (0700, mkdtemp) directory under /tmp, removed with its files on deinit.
final class FormatScratch {
    let directory: String

    init() throws {
        ToyCosts.acceptForTests()
        var template = Array("/tmp/frl-format-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw VaultError.io(path: "/tmp", operation: "mkdtemp", errno: errno)
        }
        directory = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        chmod(path(name), 0o600)
    }

    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(name)).map { [UInt8]($0) }
    }
}
