#if canImport(Glibc)
import Glibc
#endif
import SecureFiles
import Testing

/// The printed fixes are meant to be pasted into a shell: whatever the path, the shell must
/// see exactly that path as one word, and run nothing else.
@Suite struct ShellQuotingTests {
    /// What `sh` prints for `printf %s WORD`.
    private func shellEcho(_ word: String) throws -> [UInt8] {
        let handle = try #require(popen("printf %s " + word, "r"))
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        #expect(pclose(handle) == 0)
        return output
    }

    @Test(arguments: [
        "/home/me/.globus-native-apps.vault", "/tmp/with space", "/tmp/it's", "/tmp/x'\u{301}; echo injected #",
        "/tmp/$(id)", "/tmp/`id`", "/tmp/a\"b", "/tmp/josé", "/tmp/new\nline", "/tmp/'''", "-rf",
    ])
    func theShellSeesThePathItself(path: String) throws {
        #expect(try shellEcho(ShellQuoting.quoted(path)) == Array(path.utf8), "\(ShellQuoting.quoted(path))")
    }

    @Test func plainPathsStayReadable() {
        #expect(ShellQuoting.quoted("/home/me/.globus-native-apps.vault") == "/home/me/.globus-native-apps.vault")
        #expect(ShellQuoting.quoted("/tmp/with space") == "'/tmp/with space'")
    }
}
