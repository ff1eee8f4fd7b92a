import Foundation
import SecureFiles
import Tokens

/// The committed files made by tools/python/make_fixtures.py.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The client ID make_fixtures.py uses for its MultiClientTokenStorage section.
    static let clientID = "7414f0b4-7d05-4bb6-bb00-076fa3f17cf5"

    static func path(_ name: String) -> String { directory + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] { try SecureFile.read(path(name)) }

    /// A `*.expected.json` file: what Python read from a fixture, sorted-key JSON.
    static func expectedTokens(_ name: String) throws -> TokenMap {
        try TokenJSON.decode(bytes(name), path: path(name))
    }
}

/// Runs tools/python/read_check.py, which reads a file as Fair Research Login would.
enum PythonReader {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // -B: no __pycache__ in the source tree.
        // FRL_PYTHON picks another interpreter, e.g. a venv holding the real fair-research-login.
        let python = ProcessInfo.processInfo.environment["FRL_PYTHON"] ?? "python3"
        process.arguments = [python, "-B", Fixtures.repositoryRoot + "/tools/python/read_check.py"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The tokens Python reads from `path`, or a thrown failure carrying Python's stderr.
    static func read(_ kind: String, _ path: String, _ extra: [String] = []) throws -> TokenMap {
        let outcome = try run([kind, path] + extra)
        guard outcome.status == 0 else {
            throw TestSetupError("read_check.py exited \(outcome.status): \(outcome.stderr)")
        }
        return try TokenJSON.decode(Array(outcome.stdout.utf8), path: "read_check.py output")
    }
}

/// Builds a map keyed by each set's own resource server.
func tokenMap(_ sets: TokenSet...) -> TokenMap {
    Dictionary(sets.map { ($0.resourceServer, $0) }, uniquingKeysWith: { _, last in last })
}
