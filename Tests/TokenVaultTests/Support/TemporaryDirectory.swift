import Glibc

/// A private (0700) directory under /tmp, removed with everything in it when released.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/tokenvault-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSetupError.failed("mkdtemp", errno) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Every entry's name, sorted, without "." and "..".
    func entries() -> [String] { listDirectory(path) }

    deinit {
        // Undo modes a test set on the directory itself, then remove everything.
        chmod(path, 0o700)
        _ = system("rm -rf '\(path)'")
    }
}

enum TestSetupError: Error { case failed(String, Int32) }

func listDirectory(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

func mode(of path: String) -> UInt32 {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return UInt32(info.st_mode) & 0o7777
}

func inode(of path: String) -> UInt64 {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return UInt64(info.st_ino)
}

func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

func setMode(_ path: String, _ mode: mode_t) throws {
    guard chmod(path, mode) == 0 else { throw TestSetupError.failed("chmod \(path)", errno) }
}

func setOwner(_ path: String, _ uid: uid_t) throws {
    guard chown(path, uid, gid_t(bitPattern: -1)) == 0 else { throw TestSetupError.failed("chown \(path)", errno) }
}

func hardLink(_ existing: String, _ new: String) throws {
    guard link(existing, new) == 0 else { throw TestSetupError.failed("link", errno) }
}

func symbolicLink(_ target: String, _ link: String) throws {
    guard symlink(target, link) == 0 else { throw TestSetupError.failed("symlink", errno) }
}

/// The file's bytes, or nil when it cannot be read.
func contents(of path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw TestSetupError.failed("open \(path)", errno) }
    defer { close(fd) }
    guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
        throw TestSetupError.failed("write \(path)", errno)
    }
    fchmod(fd, mode)
}

/// Whether `needle` occurs anywhere in `haystack`.
func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = needle[0]
    var index = 0
    while index <= haystack.count - needle.count {
        if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return true }
        index += 1
    }
    return false
}

/// Whether any random-looking `windowSize`-byte run of `old` (salt, nonce, ciphertext) appears
/// in `new`. Runs with few distinct bytes (the header's magic, zero fields) are skipped: a
/// zero-filled wipe shares those by construction and they hold nothing secret.
func sharesAnyRun(_ old: [UInt8], with new: [UInt8], windowSize: Int = 16) -> Bool {
    guard old.count >= windowSize, new.count >= windowSize else { return false }
    var windows = Set<ArraySlice<UInt8>>()
    for start in 0...(new.count - windowSize) { windows.insert(new[start..<start + windowSize]) }
    return (0...(old.count - windowSize)).contains { start in
        let window = old[start..<start + windowSize]
        return Set(window).count >= 12 && windows.contains(window)
    }
}
