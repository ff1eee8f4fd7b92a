#if canImport(Glibc)
import Glibc
#endif
internal import VaultCrypto

/// The process-level system calls the CLI needs and SecureFiles does not cover: the
/// environment, standard streams, raw reads from an inherited descriptor. Kept in one file so
/// the rest of the CLI reads as plain Swift.
enum Posix {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The user's home directory: `$HOME`. Not the password database: in the static release
    /// binary getpwuid would have to load the system's NSS modules into a glibc they were not
    /// built with, and a login shell always sets `$HOME`.
    static func homeDirectory() -> String? {
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return home
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static var standardInputIsTerminal: Bool { isTerminal(STDIN_FILENO) }

    /// Seconds since the Unix epoch.
    static func now() -> Int { Int(time(nil)) }

    static func writeStandardOutput(_ text: String) { writeAll(STDOUT_FILENO, text) }
    static func writeStandardError(_ text: String) { writeAll(STDERR_FILENO, text) }
    static let standardOutput = STDOUT_FILENO

    static func writeStandardOutput(_ output: OutputBytes) {
        output.write(to: STDOUT_FILENO)
    }

    /// One `write` loop rather than stdio, so output is never left in a buffer when the
    /// process exits and partial writes to pipes are finished.
    static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) {
        guard let start = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, start + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    static func exit(_ status: ExitStatus) -> Never { Glibc.exit(status.rawValue) }

    /// Reads one line (up to, not including, the newline) from `fd` into secure memory.
    ///
    /// Reads one byte per call so nothing past the newline is consumed: the descriptor may be
    /// shared with whoever passed it (a shell's here-string, a pipe carrying more data).
    static func readLine(from fd: Int32, limit: Int, describing source: String) throws(CLIError) -> SecureBytes {
        let scratch: SecureBytes
        do { scratch = try SecureBytes(count: limit + 1) } catch { throw .secureMemory }
        let length: Int = try scratch.withUnsafeMutableBytes { (buffer) throws(CLIError) -> Int in
            var count = 0
            while true {
                let result = read(fd, buffer.baseAddress! + count, 1)
                if result < 0 {
                    if errno == EINTR { continue }
                    if errno == EBADF { throw CLIError.descriptorNotOpen(source: source) }
                    throw CLIError.readFailed(source: source, reason: String(cString: strerror(errno)))
                }
                if result == 0 || buffer[count] == UInt8(ascii: "\n") { break }
                count += 1
                if count > limit { throw CLIError.passphraseTooLong(source: source, limit: limit) }
            }
            return count
        }
        return try firstLine(of: scratch, length: length, source: source)
    }

    /// A right-sized copy of the first `length` bytes of `buffer`, a trailing CR dropped
    /// (a passphrase file saved with DOS line endings).
    static func firstLine(of buffer: SecureBytes, length: Int, source: String) throws(CLIError) -> SecureBytes {
        do {
            return try buffer.withUnsafeBytes { (bytes) throws(CryptoError) -> SecureBytes in
                var end = length
                if end > 0 && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                return try SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
            }
        } catch {
            throw .secureMemory
        }
    }
}
