import FakeAuthServer
import Foundation
import NativeLogin
import Testing
import Tokens

@Suite("Code handlers")
struct CodeHandlerTests {
    /// The user reads the printed URL, logs in, copies the code from Globus Auth's helper page
    /// and pastes it: here the "user" acts when the handler prints the URL.
    @Test func inputHandlerReadsThePastedCode() throws {
        let pipe = Pipe()
        let user = PastingUser(pipe: pipe)
        let fixture = try LoginFixture(storage: MemoryTokenStorage()) { _ in
            [InputCodeHandler(input: pipe.fileHandleForReading, output: user.output, browser: .none)]
        }
        user.browser = fixture.browser
        let tokens = try fixture.login()
        #expect(Set(tokens.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        let authorize = try #require(fixture.auth.requests(to: "/v2/oauth2/authorize").first)
        #expect(authorize.fields["redirect_uri"] == fixture.auth.baseURL + "/v2/web/auth-code")
        #expect(fixture.auth.requests(to: "/v2/oauth2/token").first?.fields["redirect_uri"] == fixture.auth.baseURL + "/v2/web/auth-code")
        #expect(user.transcript.contains("Please paste the following URL in a browser:"))
        #expect(user.transcript.contains("Please paste your auth code below:"))
        #expect(try fixture.storage?.readTokens() == tokens)
    }

    @Test func inputHandlerAtEndOfInputGivesNoCode() throws {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.close()
        let fixture = try LoginFixture(storage: nil) { parts in
            [InputCodeHandler(input: pipe.fileHandleForReading, output: parts.output.output, browser: .none)]
        }
        #expect(throws: AuthFailure.noCodeReceived(handler: "input")) { try fixture.login() }
        #expect(fixture.auth.requests(to: "/v2/oauth2/token").isEmpty)
    }

    @Test func inputHandlerRefusesAMalformedCode() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("two words\n".utf8))
        let fixture = try LoginFixture(storage: nil) { parts in
            [InputCodeHandler(input: pipe.fileHandleForReading, output: parts.output.output, browser: .none)]
        }
        #expect(throws: AuthFailure.noCodeReceived(handler: "input")) { try fixture.login() }
        #expect(fixture.auth.requests(to: "/v2/oauth2/token").isEmpty)
    }

    /// The local server times out (no browser came), so the login passes to the input handler.
    @Test func failedHandlerPassesToTheNext() throws {
        let pipe = Pipe()
        let user = PastingUser(pipe: pipe)
        let fixture = try LoginFixture(storage: MemoryTokenStorage()) { parts in
            [parts.localServer(timeoutSeconds: 0.3, browser: BrowserOpener { _ in }),
             InputCodeHandler(input: pipe.fileHandleForReading, output: user.output, browser: .none)]
        }
        user.browser = fixture.browser
        let tokens = try fixture.login()
        #expect(tokens.count == 2)
        let redirects = fixture.auth.requests(to: "/v2/oauth2/authorize").map { $0.fields["redirect_uri"] ?? "" }
        #expect(redirects == [fixture.auth.baseURL + "/v2/web/auth-code"], "only the input handler's URL was visited")
    }

    @Test func lastFailureIsThrownWhenNoHandlerRemains() throws {
        let fixture = try LoginFixture(storage: nil) { parts in
            [parts.localServer(timeoutSeconds: 0.2, browser: BrowserOpener { _ in })]
        }
        #expect(throws: AuthFailure.localServer(.timedOut(seconds: 0.2))) { try fixture.login() }
        #expect(fixture.output.text.contains(LocalServerCodeHandler.startMessage))
    }

    @Test(arguments: [["SSH_TTY": "/dev/pts/3"], ["SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"]])
    func localServerIsUnavailableOverSSH(environment: [String: String]) throws {
        let fixture = try LoginFixture(storage: nil, environment: environment)
        #expect(throws: AuthFailure.noCodeHandlerAvailable) { try fixture.login() }
        #expect(fixture.browser.visited.isEmpty)
        #expect(fixture.auth.requests.isEmpty)
    }

    @Test func noLocalServerSkipsIt() throws {
        let fixture = try LoginFixture(storage: nil)
        #expect(throws: AuthFailure.noCodeHandlerAvailable) {
            try fixture.client.login(requestedScopes: ["openid"], noLocalServer: true)
        }
        #expect(fixture.browser.visited.isEmpty)
    }

    /// With `noBrowser` the opener is never called; the URL is printed for the user instead.
    @Test func noBrowserPrintsTheURL() throws {
        let fixture = try LoginFixture(storage: nil) { parts in
            [parts.localServer(timeoutSeconds: 0.2)]
        }
        #expect(throws: AuthFailure.localServer(.timedOut(seconds: 0.2))) {
            try fixture.client.login(requestedScopes: ["openid"], noBrowser: true)
        }
        #expect(fixture.browser.visited.isEmpty)
        let printed = try #require(fixture.output.firstURL)
        #expect(printed.path == "/v2/oauth2/authorize")
        #expect(fixture.output.text.contains("Please paste the following URL in a browser:"))
    }

    /// The browser first asks for /favicon.ico and probes "/" without a code: both are answered
    /// 404 and ignored, and the real redirect still completes the login.
    @Test func unrelatedRequestsAreIgnored() throws {
        let fixture = try LoginFixture(storage: nil) { parts in
            [parts.localServer(browser: BrowserOpener { url in
                let redirect = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false)?
                    .queryItems?.first { $0.name == "redirect_uri" }?.value)
                #expect(try parts.browser.get(#require(URL(string: redirect + "favicon.ico"))).status == 404)
                #expect(try parts.browser.get(#require(URL(string: redirect + "?unrelated=1"))).status == 404)
                #expect(try parts.browser.get(#require(URL(string: redirect + "robots.txt?code=x&state=y"))).status == 404)
                try parts.browser.get(url)
            })]
        }
        let tokens = try fixture.client.login(requestedScopes: ["openid"])
        #expect(tokens.keys.sorted() == [FakeGlobusAuth.authServer])
        #expect(fixture.browser.lastPage?.body.contains("Login Successful") == true)
    }

    @Test func browserOpenerFailureFallsBackToPrinting() throws {
        struct Refused: Error {}
        let fixture = try LoginFixture(storage: nil) { parts in
            [parts.localServer(timeoutSeconds: 0.2, browser: BrowserOpener { _ in throw Refused() })]
        }
        #expect(throws: AuthFailure.localServer(.timedOut(seconds: 0.2))) { try fixture.login() }
        #expect(fixture.output.firstURL?.path == "/v2/oauth2/authorize")
    }

    @Test func redirectHostCanBeLocalhost() throws {
        let fixture = try LoginFixture(storage: nil) { parts in
            [LocalServerCodeHandler(timeoutSeconds: 0.2, redirectHost: .localhost, interruptible: false,
                                    output: parts.output.output, browser: .none)]
        }
        #expect(throws: AuthFailure.localServer(.timedOut(seconds: 0.2))) { try fixture.login() }
        let printed = try #require(fixture.output.firstURL)
        let redirect = URLComponents(url: printed, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "redirect_uri" }?.value
        #expect(redirect?.hasPrefix("http://localhost:") == true)
        #expect(redirect?.hasSuffix("/") == true)
    }
}

/// Plays the user of `InputCodeHandler`: when the handler prints the authorize URL, it opens
/// it, reads the code off Globus Auth's helper page and types it followed by Enter.
final class PastingUser: @unchecked Sendable {
    // @unchecked: `browser` is set before the login starts; `lines` is only touched by the
    // login thread through `output` and read after login returns.
    private let pipe: Pipe
    var browser: TestBrowser?
    private var lines: [String] = []

    init(pipe: Pipe) { self.pipe = pipe }

    var transcript: String { lines.joined(separator: "\n") }

    var output: MessageOutput {
        MessageOutput { [self] message in
            lines.append(message)
            guard let urlLine = message.split(separator: "\n").first(where: { $0.hasPrefix("http") }),
                  let url = URL(string: String(urlLine)), let browser,
                  let page = try? browser.get(url),
                  let start = page.body.range(of: "<code>"), let end = page.body.range(of: "</code>") else { return }
            let code = page.body[start.upperBound..<end.lowerBound]
            pipe.fileHandleForWriting.write(Data("  \(code)  \n".utf8))
        }
    }
}
