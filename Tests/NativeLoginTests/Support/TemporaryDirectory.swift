import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private (0700) directory from mkdtemp, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/nativelogin-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
