import Foundation
import SecureFiles

/// A private (0700) directory under /tmp, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/tokens-tests.XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestSetupError("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes a file the plain way (tests need files no storage would write).
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try SecureFile.writeAtomically(Array(text.utf8), to: target)
        return target
    }

    deinit {
        // A test may have left a directory read-only; make it removable first.
        chmod(path, 0o700)
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func mode(of path: String) throws -> UInt32 {
    guard let status = try SecureFile.status(of: path) else { throw TestSetupError("\(path) is missing") }
    return status.mode
}

func contents(of path: String) throws -> [UInt8] {
    try SecureFile.read(path)
}

func text(of path: String) throws -> String {
    String(decoding: try SecureFile.read(path), as: UTF8.self)
}

/// Raw file access for setting up and inspecting test files.
enum SecureFileProbe {
    static func exists(_ path: String) throws -> Bool {
        try SecureFile.status(of: path) != nil
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try SecureFile.writeAtomically(bytes, to: path)
    }
}
