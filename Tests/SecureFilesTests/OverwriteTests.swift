import Glibc
import Testing
@testable import SecureFiles

@Suite("Overwrite then remove")
struct OverwriteTests {
    @Test("the inode's bytes are gone: a descriptor kept on the file reads no old byte pattern")
    func overwritesInPlace() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault")
        let secret = [UInt8](repeating: 0xA5, count: 200_000)
        try SecureFile.writeAtomically(secret, to: path)
        let kept = open(path, O_RDONLY)
        defer { close(kept) }
        try SecureFile.overwriteAndRemove(path)
        #expect(try SecureFile.status(of: path) == nil)
        #expect(try listing(dir.path) == [])
        var leftover = [UInt8](repeating: 0xFF, count: secret.count + 1)
        let count = leftover.withUnsafeMutableBytes { pread(kept, $0.baseAddress, $0.count, 0) }
        #expect(count == secret.count)
        #expect(leftover[..<secret.count].allSatisfy { $0 == 0 })
    }

    @Test("a file with another name (a hard link) is refused, and both names keep every byte")
    func hardLinkedFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault")
        let secret = [UInt8](repeating: 0xA5, count: 1000)
        try SecureFile.writeAtomically(secret, to: path)
        #expect(link(path, dir.file("other-name")) == 0)
        #expect {
            try SecureFile.overwriteAndRemove(path)
        } throws: { error in
            guard case .untrustedFile(path, let reason, _)? = error as? FileError else { return false }
            return reason.contains("2 names (hard links)")
        }
        #expect(try SecureFile.read(path) == secret)
        #expect(try SecureFile.read(dir.file("other-name")) == secret)
    }

    @Test("nothing there is not an error")
    func absentIsFine() throws {
        let dir = try TemporaryDirectory()
        try SecureFile.overwriteAndRemove(dir.file("absent"))
        try SecureFile.remove(dir.file("absent"))
    }
}
