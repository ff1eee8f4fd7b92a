public import Foundation

/// Gets the authorization code from Globus Auth back to the program: the Swift form of Fair
/// Research Login's `CodeHandler`. `NativeClient.login` tries its handlers in order; one that is
/// unavailable is skipped, one that fails or is interrupted passes to the next.
public protocol CodeHandler: Sendable {
    /// A short name for messages ("local server", "input").
    var name: String { get }
    /// Whether this handler can run in this session with this login's options.
    func isAvailable(in context: CodeHandlerContext) -> Bool
    /// Runs one attempt: chooses a redirect URI, shows the user
    /// `request.authorizeURL(redirectURI:)` and returns the code that comes back. Throws
    /// `LocalServerError` or `AuthFailure`; any resource it opened is released before it returns.
    func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode
}

/// What a code handler knows of the login it serves.
public struct CodeHandlerContext: Sendable {
    /// Named on the local server's page.
    public var appName: String
    /// Do not open a browser; print the URL instead.
    public var noBrowser: Bool
    /// Do not start the local server.
    public var noLocalServer: Bool
    /// The process environment (injected by tests).
    public var environment: [String: String]

    public init(appName: String, noBrowser: Bool = false, noLocalServer: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.appName = appName
        self.noBrowser = noBrowser
        self.noLocalServer = noLocalServer
        self.environment = environment
    }

    /// True in an SSH session, where a browser opened here would be on the wrong machine and
    /// the local server unreachable from the user's browser.
    public var isRemoteSession: Bool {
        !(environment["SSH_TTY"] ?? "").isEmpty || !(environment["SSH_CONNECTION"] ?? "").isEmpty
    }

    /// A browser may be opened: not remote and not refused.
    public var mayOpenBrowser: Bool { !noBrowser && !isRemoteSession }
}

/// Where handlers write their few lines for the user. Standard error by default, so that a
/// program's standard output stays its own (a script that prints a token or JSON can be piped).
public struct MessageOutput: Sendable {
    public let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardError = MessageOutput { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    public static let standardOutput = MessageOutput { message in
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }
}

/// Shows the authorize URL in a browser or, when that is not possible, as text to paste.
enum AuthorizeURLPresenter {
    static let pasteMessage = "Please paste the following URL in a browser:"

    static func present(_ url: URL, browser: BrowserOpener, context: CodeHandlerContext, output: MessageOutput) {
        if context.mayOpenBrowser, (try? browser.open(url)) != nil {
            return
        }
        output.write("\(pasteMessage)\n\(url.absoluteString)")
    }
}
