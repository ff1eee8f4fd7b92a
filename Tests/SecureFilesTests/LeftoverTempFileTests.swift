import Glibc
import Testing
@testable import SecureFiles

/// A name matching a temp file proves nothing: anyone who can create entries in the directory
/// (another user, in a sticky shared one such as /tmp) can create it. Only a file that is
/// provably a dead writer's temp file may be wiped.
@Suite("Leftover temp files")
struct LeftoverTempFileTests {
    static let magic = bytes("FRLVAULT")
    static let leftoverName = ".vault.tmp-0123456789abcdef"

    @Test("a dead writer's temp file is overwritten in place and removed")
    func genuineLeftoverIsWiped() throws {
        let dir = try TemporaryDirectory()
        let leftover = dir.file(Self.leftoverName)
        try SecureFile.writeAtomically(Self.magic + [UInt8](repeating: 0xA5, count: 4096), to: leftover)
        let held = open(leftover, O_RDONLY)
        defer { close(held) }
        #expect(try SecureFile.leftoverTempFiles(besides: dir.file("vault")) == [leftover])
        #expect(try SecureFile.wipeLeftoverTempFile(leftover, startingWith: Self.magic))
        #expect(try listing(dir.path).isEmpty)
        var after = [UInt8](repeating: 1, count: 4104)
        #expect(pread(held, &after, after.count, 0) == 4104)
        #expect(after.allSatisfy { $0 == 0 })
    }

    @Test("a writer killed before its bytes landed leaves an empty file or a piece of the magic: removed")
    func cutShortLeftoverIsRemoved() throws {
        let dir = try TemporaryDirectory()
        for content in [[], Array(Self.magic.prefix(3))] {
            let leftover = dir.file(Self.leftoverName)
            try SecureFile.writeAtomically(content, to: leftover)
            #expect(try SecureFile.wipeLeftoverTempFile(leftover, startingWith: Self.magic))
            #expect(try listing(dir.path).isEmpty)
        }
    }

    @Test("an unrelated file hard-linked under a temp name is neither overwritten nor unlinked")
    func hardLinkedFileIsLeftAlone() throws {
        let dir = try TemporaryDirectory()
        // Even one that starts with the magic: another name means it is some other file's inode.
        for content in [bytes("precious data of some other program"), Self.magic + bytes("another vault")] {
            let precious = dir.file("precious")
            try SecureFile.writeAtomically(content, to: precious)
            let planted = dir.file(Self.leftoverName)
            #expect(link(precious, planted) == 0)
            #expect(try !SecureFile.wipeLeftoverTempFile(planted, startingWith: Self.magic))
            #expect(try SecureFile.read(precious) == content)
            #expect(try SecureFile.read(planted) == content)
            unlink(planted)
        }
    }

    @Test("a file of ours that does not start with the magic is left alone")
    func foreignContentIsLeftAlone() throws {
        let dir = try TemporaryDirectory()
        let planted = dir.file(Self.leftoverName)
        try SecureFile.writeAtomically(bytes("FRLVAULX and more"), to: planted)
        #expect(try !SecureFile.wipeLeftoverTempFile(planted, startingWith: Self.magic))
        #expect(try SecureFile.read(planted) == bytes("FRLVAULX and more"))
    }

    @Test("a file of another user is left alone, even one that starts with the magic")
    func otherUsersFileIsLeftAlone() throws {
        let dir = try TemporaryDirectory()
        let planted = dir.file(Self.leftoverName)
        let content = Self.magic + bytes("someone else's")
        try SecureFile.writeAtomically(content, to: planted, mode: 0o666)
        // As root we can give it away (and, as root, could open anything); as a user the file we
        // cannot give away is one we could not open either, which is skipped the same way.
        guard getuid() == 0 else { return }
        #expect(chown(planted, 12345, 12345) == 0)
        #expect(try !SecureFile.wipeLeftoverTempFile(planted, startingWith: Self.magic))
        #expect(try SecureFile.read(planted) == content)
    }

    @Test("a directory, a symbolic link, a FIFO or a socket under a temp name is skipped, not an error",
          .timeLimit(.minutes(1)))
    func nonFilesAreSkipped() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("target")
        try SecureFile.writeAtomically(Self.magic + bytes("the link's target"), to: target)
        let planted = dir.file(Self.leftoverName)
        let plant: [(String, () -> Int32)] = [
            ("directory", { mkdir(planted, 0o700) }),
            ("symbolic link", { symlink(target, planted) }),
            // Opened for writing without O_NONBLOCK, a FIFO would hang the write for good.
            ("FIFO", { mkfifo(planted, 0o600) }),
            ("socket", { bindSocket(at: planted) }),
        ]
        for (kind, make) in plant {
            #expect(make() == 0, "could not make a \(kind)")
            #expect(try !SecureFile.wipeLeftoverTempFile(planted, startingWith: Self.magic), "\(kind)")
            #expect(try SecureFile.status(of: planted, followingSymlinks: false) != nil, "\(kind) was removed")
            _ = kind == "directory" ? rmdir(planted) : unlink(planted)
        }
        #expect(try SecureFile.read(target) == Self.magic + bytes("the link's target"))
    }
}

/// A Unix socket bound at `path` (the socket itself is closed again; the name stays).
func bindSocket(at path: String) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let pathBytes = Array(path.utf8)
    guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return -1 }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: pathBytes)
    }
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}
