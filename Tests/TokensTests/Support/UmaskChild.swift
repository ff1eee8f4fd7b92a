import Foundation

/// Runs Tests/Children/umask-child, which sets its own umask before acting: the umask belongs to
/// the whole process, and changing the test process's own would change the mode of files that
/// tests running in parallel create.
enum UmaskChild {
    /// The child is built next to the test bundle.
    static let path: String = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("umask-child").path
    }()

    static func run(umask mask: mode_t, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [String(mask, radix: 8)] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TestSetupError("umask-child \(arguments) failed: \(String(decoding: stderr, as: UTF8.self))")
        }
    }
}
