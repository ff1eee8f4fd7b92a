import FakeAuthServer
import Foundation
import NativeLogin
import Synchronization
import Testing
import Tokens

/// A real browser, where one is installed: Debian's `chromium` binary.
let chromiumPath: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Headless Chromium")
struct ChromiumLoginTests {
    // Skipped without Chromium: the scripted URLSession browser in the other suites covers the
    // same redirect; this one adds a real browser's redirect handling and HTML parsing.
    @Test(.enabled(if: chromiumPath != nil, "Chromium is not installed (Debian package `chromium`)"))
    func headlessChromiumCompletesTheLogin() throws {
        let chromium = try #require(chromiumPath)
        let profile = try TemporaryDirectory()
        let profilePath = profile.path
        let dom = PageBox()
        let fixture = try LoginFixture(storage: MemoryTokenStorage()) { parts in
            [parts.localServer(timeoutSeconds: 60, browser: BrowserOpener { url in
                let page = try ChromiumLoginTests.dumpDOM(chromium: chromium, url: url, profile: profilePath)
                dom.page.withLock { $0 = page }
            })]
        }
        let tokens = try fixture.login()
        #expect(Set(tokens.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        let page = try #require(dom.page.withLock { $0 })
        #expect(page.contains("Login Successful"))
        #expect(page.contains("Cycle &lt;Test&gt; &amp; App"))
        #expect(fixture.auth.requests(to: "/v2/oauth2/authorize").count == 1)
    }

    /// Runs `chromium --headless --dump-dom URL` and returns the final page's DOM. The browser
    /// follows the authorize redirect to the local server; a stuck browser is killed after 45 s.
    static func dumpDOM(chromium: String, url: URL, profile: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--user-data-dir=\(profile)", "--dump-dom", url.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = DataBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            reader.data.withLock { $0 = data }
            done.signal()
        }
        if done.wait(timeout: .now() + 45) == .timedOut {
            process.terminate()
            done.wait()
        }
        process.waitUntilExit()
        return String(decoding: reader.data.withLock { $0 }, as: UTF8.self)
    }
}

private final class PageBox: Sendable { let page = Mutex<String?>(nil) }
private final class DataBox: Sendable { let data = Mutex(Data()) }
