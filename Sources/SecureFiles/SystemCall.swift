#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The thin wrappers every file operation goes through: errno becomes `FileError`, EINTR is
/// retried, short reads and writes are looped.
enum SystemCall {
    /// O_PATH from <fcntl.h>: a descriptor that names a file without opening it (a symbolic link
    /// itself, with O_NOFOLLOW). Swift's Glibc module does not export the _GNU_SOURCE names.
    static let pathOnly: Int32 = 0o10000000

    static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text).lowercased()
    }

    static func error(_ operation: String, path: String, errno code: Int32 = errno) -> FileError {
        switch code {
        case ENOENT, ENOTDIR: return .notFound(path: path)
        case EISDIR: return .isDirectory(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EEXIST: return .alreadyExists(path: path)
        // What open(2) says of a Unix socket (and of a FIFO opened to write with no reader).
        case ENXIO: return .notRegularFile(path: path)
        default: return .system(path: path, operation: operation, errno: code)
        }
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(FileError) -> Int32 {
        try openat(AT_FDCWD, path, flags, mode: mode, path: path)
    }

    /// `name` relative to the directory `directory`; `path` is what errors name.
    static func openat(_ directory: Int32, _ name: String, _ flags: Int32, mode: mode_t = 0, path: String) throws(FileError) -> Int32 {
        while true {
            let fd = Glibc.openat(directory, name, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            if errno == ELOOP { throw .system(path: path, operation: "open (refusing a symbolic link)", errno: ELOOP) }
            throw error("open", path: path)
        }
    }

    static func close(_ fd: Int32) {
        // Linux releases the descriptor even when close reports EINTR; retrying could close
        // a descriptor another thread has just been given.
        _ = Glibc.close(fd)
    }

    static func fstat(_ fd: Int32, path: String) throws(FileError) -> stat {
        var info = stat()
        guard Glibc.fstat(fd, &info) == 0 else { throw error("fstat", path: path) }
        return info
    }

    /// Opens `path` and fstats the descriptor, closing it again if the fstat fails: checks are
    /// made on what was opened, never on a second lookup of the name.
    static func openAndStat(_ path: String, _ flags: Int32) throws(FileError) -> (descriptor: Int32, info: stat) {
        let fd = try open(path, flags)
        do {
            return (fd, try fstat(fd, path: path))
        } catch {
            close(fd)
            throw error
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: off_t? = nil, path: String) throws(FileError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        var position = offset
        while remaining > 0 {
            let written: Int
            if let at = position {
                written = pwrite(fd, cursor, remaining, at)
            } else {
                written = write(fd, cursor, remaining)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw error("write", path: path)
            }
            cursor += written
            remaining -= written
            position = position.map { $0 + off_t(written) }
        }
    }

    /// Reads until `buffer` is full or the file ends; returns how many bytes were read.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(FileError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let count = read(fd, base + filled, buffer.count - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read", path: path)
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Reads until end of file, refusing more than `limit` bytes.
    /// `stoppingAtLimit`: return the first `limit` bytes instead of refusing a longer file.
    static func readAll(
        _ fd: Int32, limit: Int, sizeHint: Int, path: String, stoppingAtLimit: Bool = false
    ) throws(FileError) -> [UInt8] {
        var contents: [UInt8] = []
        var chunkSize = min(max(sizeHint, 0), limit) + (stoppingAtLimit ? 0 : 1)
        while true {
            // Read straight into uninitialised capacity: zero-filling it first touched every
            // page of a large vault one more time.
            var failure: FileError?
            var atEnd = false
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { raw, initialised in
                var filled = 0
                while filled < raw.count, let base = raw.baseAddress {
                    let count = read(fd, base + filled, raw.count - filled)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = error("read", path: path)
                        break
                    }
                    if count == 0 {
                        atEnd = true
                        break
                    }
                    filled += count
                }
                initialised = filled
            }
            if let failure { throw failure }
            if contents.isEmpty { contents = chunk } else { contents.append(contentsOf: chunk) }
            if contents.count > limit { throw .tooLarge(path: path, limit: limit) }
            if atEnd || (stoppingAtLimit && contents.count == limit) { return contents }
            // The file grew past its size hint: read on in chunks as large as what is read so far.
            chunkSize = max(1, min(contents.count, limit + (stoppingAtLimit ? 0 : 1) - contents.count))
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(FileError) {
        while Glibc.fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw error("fsync", path: path)
        }
    }

    /// Makes a rename or unlink in `directory` durable.
    static func fsyncDirectory(_ directory: String) throws(FileError) {
        let fd = try open(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: directory)
    }
}
