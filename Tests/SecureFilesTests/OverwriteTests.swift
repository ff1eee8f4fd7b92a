import Glibc
import Testing
@testable import SecureFiles

@Suite("Overwrite then remove")
struct OverwriteTests {
    @Test("the inode's bytes are gone: a hard link kept to the file reads no old byte pattern")
    func overwritesInPlace() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault")
        let secret = [UInt8](repeating: 0xA5, count: 200_000)
        try SecureFile.writeAtomically(secret, to: path)
        let keptLink = dir.file("kept-link")
        #expect(link(path, keptLink) == 0)
        try SecureFile.overwriteAndRemove(path)
        #expect(try SecureFile.status(of: path) == nil)
        let leftover = try SecureFile.read(keptLink)
        #expect(leftover.count == secret.count)
        #expect(leftover.allSatisfy { $0 == 0 })
    }

    @Test("nothing there is not an error")
    func absentIsFine() throws {
        let dir = try TemporaryDirectory()
        try SecureFile.overwriteAndRemove(dir.file("absent"))
        try SecureFile.remove(dir.file("absent"))
    }
}
