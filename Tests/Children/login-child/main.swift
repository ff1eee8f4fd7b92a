// Test-only child for NativeLoginTests' two-process refresh test.
//
//   login-child load|authorize <vault-path> <keyfile-path> <client-id>
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

let arguments = CommandLine.arguments
guard arguments.count == 5, ["load", "authorize"].contains(arguments[1]) else {
    fail("usage: login-child load|authorize <vault-path> <keyfile-path> <client-id>")
}
let storage = VaultTokenStorage(path: arguments[2], key: .keyfile(path: arguments[3]), namespace: arguments[4])

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
