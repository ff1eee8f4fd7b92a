import FakeAuthServer
import Foundation
import NativeLogin
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// ^C while the local server waits passes the login to the next handler (as KeyboardInterrupt
/// does in Python) instead of ending the program. Run in a child process: the signal and its
/// disposition are process-wide.
@Suite("Interrupting the local server")
struct InterruptTests {
    @Test func interruptPassesToTheInputHandler() throws {
        let auth = try FakeGlobusAuth()
        defer { auth.stop() }
        let child = try LoginChild(["interactive", LoginFixture.clientID],
                                   environment: [AuthBaseURL.environmentVariable: auth.baseURL, "PATH": "/usr/bin:/bin"])
        var seen: [String] = []
        func lines(until prefix: String) -> String? {
            while let line = child.readLine() {
                seen.append(line)
                if line.hasPrefix(prefix) { return line }
            }
            return nil
        }

        let first = try #require(lines(until: "http"), "the local server's URL: \(seen)")
        #expect(seen.contains(LocalServerCodeHandler.startMessage))
        #expect(first.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"))
        child.interrupt()

        let second = try #require(lines(until: "http"), "the input handler's URL: \(seen)")
        #expect(seen.contains("handler local server failed: \(LocalServerError.interrupted)"))
        #expect(second.contains("redirect_uri=" + FormEncodingProbe.escape(auth.baseURL + "/v2/web/auth-code")))
        let page = try TestBrowser().get(try #require(URL(string: second)))
        let code = try #require(page.body.components(separatedBy: "<code>").last?.components(separatedBy: "</code>").first)
        child.send(code)

        let result = child.finish()
        #expect(result.status == 0, "child output: \(seen + result.lines)")
        #expect(result.lines.last == "done")
        #expect(result.lines.contains { $0.hasPrefix("token auth.globus.org ") })
        #expect(auth.requests(to: "/v2/oauth2/authorize").count == 1, "only the pasted flow reached Globus Auth")
    }
}

/// The escaping the authorize URL uses, for comparing against it.
enum FormEncodingProbe {
    static func escape(_ text: String) -> String { FakeGlobusAuth.escape(text) }
}
