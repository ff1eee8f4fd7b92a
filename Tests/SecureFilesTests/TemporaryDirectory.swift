import Glibc
import Testing

/// A private (0700) directory under /tmp, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/securefiles-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSetupError.mkdtemp(errno) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        _ = system("rm -rf '\(path)'")
    }
}

enum TestSetupError: Error { case mkdtemp(Int32) }

func mode(of path: String) -> UInt32 {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return UInt32(info.st_mode) & 0o7777
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
