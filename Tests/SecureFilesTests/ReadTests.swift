import Glibc
import Testing
@testable import SecureFiles

@Suite("Reads")
struct ReadTests {
    @Test("absent, directory and oversized files give distinct errors naming the path")
    func readErrors() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.file("missing")
        #expect(throws: FileError.notFound(path: missing)) { try SecureFile.read(missing) }
        #expect(try SecureFile.readIfPresent(missing) == nil)
        #expect(throws: FileError.isDirectory(path: dir.path)) { try SecureFile.read(dir.path) }
        let big = dir.file("big")
        try SecureFile.writeAtomically([UInt8](repeating: 7, count: 100), to: big)
        #expect(throws: FileError.tooLarge(path: big, limit: 99)) { try SecureFile.read(big, limit: 99) }
        #expect(try SecureFile.read(big, limit: 100).count == 100)
        #expect(FileError.tooLarge(path: big, limit: 99).description.contains(big))
    }

    @Test("reads files whose size stat cannot tell, such as /proc files")
    func readsUnsizedFiles() throws {
        let contents = try SecureFile.read("/proc/self/status")
        #expect(contents.count > 0)
    }

    @Test("wipe zeroes an array")
    func wipeZeroes() {
        var scratch = bytes("s3cret")
        SecureFile.wipe(&scratch)
        #expect(scratch == [0, 0, 0, 0, 0, 0])
    }

    @Test("readIfPresent refuses a FIFO planted at the path instead of blocking on it")
    func fifoIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("mytokens.json")
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: FileError.notRegularFile(path: path)) { try SecureFile.readIfPresent(path) }
    }
}
