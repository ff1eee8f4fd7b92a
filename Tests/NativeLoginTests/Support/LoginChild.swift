import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The test-only `login-child` executable, built next to this test bundle.
let loginChildURL: URL = {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("login-child")
}()

/// A running `login-child` with pipes on its standard input and output.
final class LoginChild {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = loginChildURL
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// The next line of output, or nil at its end.
    func readLine() -> String? {
        var bytes: [UInt8] = []
        while let chunk = try? output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// What ^C in the terminal would send.
    func interrupt() {
        kill(process.processIdentifier, SIGINT)
    }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// The remaining output lines and the exit status.
    func finish() -> (lines: [String], status: Int32) {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        process.waitUntilExit()
        return (lines, process.terminationStatus)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
