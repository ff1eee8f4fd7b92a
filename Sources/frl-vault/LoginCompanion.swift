#if canImport(Glibc)
import Glibc
#endif

/// The static release binary holds no login code: NativeLogin's HTTPS client (Foundation's
/// URLSession, over libcurl) cannot be linked into a static executable, and a dynamically
/// linked `frl-vault` would start ~1.5 ms slower for every verb. So in that build `login`,
/// `logout` and a `token` that needs a refresh run `frl-vault-login`, the same program built
/// as usual, which `tools/build-release.sh` puts beside it: with the same arguments and
/// environment, replacing this process (`execv`), so its output, status and signals are the
/// command's own.
///
/// The companion is found beside this executable (through /proc/self/exe), never through PATH:
/// whoever can put a program earlier in PATH must not receive the vault's key source.
enum LoginCompanion {
    static let name = "frl-vault-login"

    static func handOver() throws -> Never {
        let path = companionPath()
        var arguments = CommandLine.arguments
        arguments[0] = path
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(path, argv)
        let code = errno
        argv.forEach { free($0) }
        throw CLIError.loginCompanionUnavailable(path: path, reason: String(cString: strerror(code)))
    }

    static func companionPath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return name }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return name }
        return String(executable[...slash]) + name
    }
}
