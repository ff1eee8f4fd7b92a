import Glibc
import Testing
@testable import SecureFiles

@Suite("Atomic writes")
struct AtomicWriteTests {
    @Test("a new file is 0600 whatever the umask", arguments: [0o000, 0o022, 0o077] as [mode_t])
    func newFileIsPrivate(umaskValue: mode_t) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("tokens.json")
        let previous = umask(umaskValue)
        defer { umask(previous) }
        try SecureFile.writeAtomically(bytes("{}"), to: path)
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
