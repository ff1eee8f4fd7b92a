public import Foundation

/// Asks the user to paste the code: the authorize URL redirects to Globus Auth's helper page
/// (`/v2/web/auth-code`), which shows the code; the user copies it into this program's input.
/// Works everywhere, including SSH sessions.
public struct InputCodeHandler: CodeHandler {
    public var name: String { "input" }
    private let input: FileHandle
    private let output: MessageOutput
    private let browser: BrowserOpener

    /// `input` is read one line at a time (standard input by default; tests pass a pipe).
    public init(input: FileHandle = .standardInput, output: MessageOutput = .standardError, browser: BrowserOpener = .system) {
        self.input = input
        self.output = output
        self.browser = browser
    }

    public func isAvailable(in context: CodeHandlerContext) -> Bool { true }

    public func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode {
        let redirectURI = request.helperPageRedirectURI
        AuthorizeURLPresenter.present(request.authorizeURL(redirectURI: redirectURI), browser: browser, context: context, output: output)
        output.write("Please paste your auth code below:")
        // End of input or an empty line is the user giving up on this handler.
        guard let line = InputCodeHandler.readLine(from: input), !line.isEmpty else {
            throw AuthFailure.noCodeReceived(handler: name)
        }
        guard let code = AuthorizationCode(line, redirectURI: redirectURI) else {
            throw AuthFailure.noCodeReceived(handler: name)
        }
        return code
    }

    /// The longest line read; a code is far shorter, and a runaway input must not be buffered.
    static let maximumLineBytes = 4096

    /// Reads byte by byte so nothing after the newline is consumed from a shared standard input.
    static func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while bytes.count < maximumLineBytes {
            guard let chunk = try? handle.read(upToCount: 1), let byte = chunk.first else {
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
