// Test-only child for NativeLoginTests' process tests.
//
//   login-child load|authorize <vault-path> <keyfile-path> <client-id> [<lock-timeout-seconds>]
//   login-child interactive <client-id>
//
// `interactive` logs in without storage through the local server (interruptible, no browser)
// and then the input handler, both writing to stdout: the parent sends SIGINT during the local
// server's wait and then pastes the code, checking that ^C passes to the next handler.
//
// Points a NativeClient at the vault (Globus Auth URL from GLOBUS_SDK_SERVICE_URL_AUTH), prints
// "ready", waits for a line on stdin so that the parent can start several children at once, then
// loads the tokens (`load`) or asks each refresh-token authorizer for a header (`authorize`).
// Prints "token <resource server> <expires_at_seconds> <fingerprint>" per set, where the
// fingerprint is a SHA-256 prefix of the access token, never the token itself.
import Foundation
import NativeLogin
import TokenVault
import Tokens
import VaultCrypto

func fingerprint(_ token: String) -> String {
    SHA256.hash(Array(token.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
}

/// Unbuffered, so the parent sees "ready" before this process blocks on its input.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    say("error \(message)")
    exit(1)
}

/// Says why a handler gave up before the login passes to the next one.
struct Reporting: CodeHandler {
    let inner: any CodeHandler
    init(_ inner: any CodeHandler) { self.inner = inner }
    var name: String { inner.name }
    func isAvailable(in context: CodeHandlerContext) -> Bool { inner.isAvailable(in: context) }
    func obtainCode(for request: AuthorizationRequest, in context: CodeHandlerContext) throws -> AuthorizationCode {
        do {
            return try inner.obtainCode(for: request, in: context)
        } catch {
            say("handler \(name) failed: \(error)")
            throw error
        }
    }
}

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "interactive" {
    // A program started from a terminal has SIGINT's default action (terminate) and unblocked;
    // the test runner starts children with it blocked, which would make the interrupt test pass
    // by accident (the signal would wait and the local server time out into the next handler).
    signal(SIGINT, SIG_DFL)
    var interruptOnly = sigset_t()
    sigemptyset(&interruptOnly)
    sigaddset(&interruptOnly, SIGINT)
    sigprocmask(SIG_UNBLOCK, &interruptOnly, nil)
    do {
        let client = try NativeClient(clientID: arguments[2], appName: "login-child", tokenStorage: nil, codeHandlers: [
            Reporting(LocalServerCodeHandler(timeoutSeconds: 30, output: .standardOutput, browser: .none)),
            Reporting(InputCodeHandler(output: .standardOutput, browser: .none)),
        ])
        for (server, set) in try client.login(requestedScopes: ["openid"]).sorted(by: { $0.key < $1.key }) {
            say("token \(server) \(set.expiresAtSeconds) \(fingerprint(set.accessToken))")
        }
        say("done")
        exit(0)
    } catch {
        fail(String(describing: error))
    }
}
guard (5...6).contains(arguments.count), ["load", "authorize"].contains(arguments[1]) else {
    fail("usage: login-child load|authorize <vault-path> <keyfile-path> <client-id> [<lock-timeout-seconds>]")
}
// A short lock timeout makes this child give up on the vault's lock long before the other
// child's refresh releases it, which NativeClient must ride out.
let lockTimeout = arguments.count == 6 ? Double(arguments[5]) ?? 10 : 10
let storage = VaultTokenStorage(path: arguments[2], key: .keyfile(path: arguments[3]), namespace: arguments[4],
                                lockTimeoutSeconds: lockTimeout)

do {
    let client = try NativeClient(clientID: arguments[4], appName: "login-child", tokenStorage: storage, codeHandlers: [])
    say("ready")
    guard readLine() != nil else { fail("no start signal") }

    var lines: [String] = []
    if arguments[1] == "load" {
        for (server, set) in try client.loadTokens().sorted(by: { $0.key < $1.key }) {
            lines.append("token \(server) \(set.expiresAtSeconds) \(fingerprint(set.accessToken))")
        }
    } else {
        // Expired tokens straight from storage: the authorizers must do the refreshing.
        for (server, set) in try storage.readTokens().sorted(by: { $0.key < $1.key }) {
            guard let authorizer = client.authorizer(for: set) as? RefreshTokenAuthorizer else { fail("no refresh token for \(server)") }
            let header = try authorizer.authorizationHeader()
            lines.append("token \(server) \(authorizer.expiresAtSeconds) \(fingerprint(String(header.dropFirst("Bearer ".count))))")
        }
    }
    lines.forEach(say)
    say("done")
} catch {
    fail(String(describing: error))
}
