import Glibc

/// A read-only descriptor kept on a file's inode, as a process that still has the file open
/// would: what it reads later is what the inode holds then, whatever happened to the name.
/// (A hard link would do the same, but a second name also makes the file something that a
/// leftover wipe must refuse to touch.)
final class HeldFile {
    private let descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TestSetupError.failed("open \(path)", errno) }
    }

    /// Every byte the inode holds now.
    func contents() -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return count == bytes.count ? bytes : []
    }

    /// The inode's permission bits now.
    var mode: UInt32 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return UInt32(info.st_mode) & 0o7777
    }

    deinit { close(descriptor) }
}
