import Foundation

/// Receives the code by redirecting the browser to a server on this machine: the Swift form of
/// Fair Research Login's `LocalServerCodeHandler`. Unavailable in an SSH session (the browser
/// is on another machine) and when the login asks for `noLocalServer`.
public struct LocalServerCodeHandler: CodeHandler {
    public var name: String { "local server" }

    /// How the redirect URI names this machine. The server always listens on 127.0.0.1 only.
    public enum RedirectHost: String, Sendable {
        /// `http://127.0.0.1:PORT/` (RFC 8252 section 7.3: no resolver, no IPv6/IPv4 ambiguity).
        case loopbackAddress = "127.0.0.1"
        /// `http://localhost:PORT/`, as the Python library writes it, for app registrations that
        /// only list localhost.
        case localhost = "localhost"
    }

    /// How long to wait for the browser's redirect.
    public var timeoutSeconds: Double
    public var redirectHost: RedirectHost
    public var page: RedirectPage
    /// Let ^C end the wait and pass to the next handler instead of ending the program. Changes
    /// the process's SIGINT disposition while waiting, so tests that run in parallel turn it off.
    public var interruptible: Bool
    private let output: MessageOutput
    private let browser: BrowserOpener

    /// The Python library's one-hour wait.
    public static let defaultTimeoutSeconds = 3600.0
    public static let startMessage = "Starting login with Globus Auth, press ^C to cancel."

    public init(
        timeoutSeconds: Double = LocalServerCodeHandler.defaultTimeoutSeconds,
        redirectHost: RedirectHost = .loopbackAddress,
        page: RedirectPage = RedirectPage(),
        interruptible: Bool = true,
        output: MessageOutput = .standardError,
        browser: BrowserOpener = .system
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.redirectHost = redirectHost
        self.page = page
        self.interruptible = interruptible
        self.output = output
        self.browser = browser
    }

    public func isAvailable(in context: CodeHandlerContext) -> Bool {
        !context.noLocalServer && !context.isRemoteSession
    }

    public func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode {
        let server: RedirectServer
        do {
            server = try RedirectServer(expectedState: request.state, appName: context.appName, page: page)
        } catch {
            throw AuthFailure.localServer(error)
        }
        defer { server.close() }

        // Catch ^C before telling the user it cancels: a quick one must not end the program.
        let interruption = interruptible ? InterruptCatcher(mailbox: server.mailbox) : nil
        defer { interruption?.restore() }

        let redirectURI = "http://\(redirectHost.rawValue):\(server.port)/"
        output.write(LocalServerCodeHandler.startMessage)
        AuthorizeURLPresenter.present(request.authorizeURL(redirectURI: redirectURI), browser: browser, context: context, output: output)

        switch server.mailbox.wait(seconds: timeoutSeconds) {
        case .success(let value):
            guard let code = AuthorizationCode(value, redirectURI: redirectURI) else {
                throw AuthFailure.localServer(.malformedCode)
            }
            return code
        case .failure(let error):
            throw AuthFailure.localServer(error)
        }
    }
}
