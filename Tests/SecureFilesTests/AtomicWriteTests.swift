import Glibc
import Testing
@testable import SecureFiles

@Suite("Atomic writes")
struct AtomicWriteTests {
    /// The write runs in a child process with the umask set: the umask belongs to the whole
    /// process, and changing this one's would change files that parallel tests create.
    @Test("a new file is 0600 whatever the umask", arguments: [0o000, 0o022, 0o077] as [mode_t])
    func newFileIsPrivate(umaskValue: mode_t) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("tokens.json")
        // The control: the child's umask is in force, and a file created without care shows it.
        #expect(runUmaskChild(umaskValue, ["create", dir.file("plain")]) == 0)
        #expect(mode(of: dir.file("plain")) == 0o666 & ~UInt32(umaskValue))
        #expect(runUmaskChild(umaskValue, ["atomic-write", path]) == 0)
        #expect(mode(of: path) == 0o600)
        #expect(try SecureFile.read(path) == bytes("{}"))
    }

    @Test("replacing a file keeps its mode, and an explicit mode wins")
    func keepsExistingMode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("tokens.json")
        try SecureFile.writeAtomically(bytes("one"), to: path)
        chmod(path, 0o640)
        try SecureFile.writeAtomically(bytes("two"), to: path)
        #expect(mode(of: path) == 0o640)
        try SecureFile.writeAtomically(bytes("three"), to: path, mode: 0o600)
        #expect(mode(of: path) == 0o600)
        #expect(try SecureFile.read(path) == bytes("three"))
    }

    @Test("a write that fails leaves the old file intact and no temp file behind")
    func failedWriteLeavesOldFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("tokens.json")
        try SecureFile.writeAtomically(bytes("old"), to: path)
        // A directory where the file should be makes rename fail after the temp file is written.
        let blocked = dir.file("blocked")
        mkdir(blocked, 0o700)
        mkdir(blocked + "/sub", 0o700)
        #expect(throws: FileError.isDirectory(path: blocked)) {
            try SecureFile.writeAtomically(bytes("new"), to: blocked)
        }
        #expect(throws: FileError.notFound(path: dir.file("missing/tokens.json"))) {
            try SecureFile.writeAtomically(bytes("new"), to: dir.file("missing/tokens.json"))
        }
        #expect(try SecureFile.read(path) == bytes("old"))
        #expect(try listing(dir.path).sorted() == ["blocked", "tokens.json"])
    }

    @Test("a symbolic link is followed: the target is replaced and the link survives")
    func followsSymlink() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("real.json")
        let link = dir.file("link.json")
        try SecureFile.writeAtomically(bytes("old"), to: target)
        symlink(target, link)
        try SecureFile.writeAtomically(bytes("new"), to: link)
        #expect(try SecureFile.status(of: link, followingSymlinks: false)?.isSymbolicLink == true)
        #expect(try SecureFile.read(target) == bytes("new"))
    }

    @Test("exclusive creation refuses an existing file and leaves it untouched")
    func exclusiveCreation() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("key")
        try bytes("first").withUnsafeBytes { try SecureFile.createExclusively($0, at: path) }
        #expect(mode(of: path) == 0o600)
        #expect(throws: FileError.alreadyExists(path: path)) {
            try bytes("second").withUnsafeBytes { try SecureFile.createExclusively($0, at: path) }
        }
        #expect(try SecureFile.read(path) == bytes("first"))
        #expect(try listing(dir.path) == ["key"])
    }
}

func listing(_ directory: String) throws -> [String] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// Runs Tests/Children/umask-child (built next to this test bundle) with `mask` as its umask;
/// its exit status, or -1 if it could not be started or was killed.
func runUmaskChild(_ mask: mode_t, _ arguments: [String]) -> Int32 {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return -1 }
    let bundle = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let child = bundle.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/umask-child"
    var cArguments = ([child, String(mask, radix: 8)] + arguments).map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, child, nil, nil, &cArguments, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { return -1 }
    }
    return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
}
