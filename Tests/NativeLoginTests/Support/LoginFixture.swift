import FakeAuthServer
import Foundation
import NativeLogin
import Tokens

/// A fake Globus Auth, a scripted browser and a client pointed at both.
final class LoginFixture {
    static let clientID = "7c2a1d9e-test-client"
    static let appName = "Cycle <Test> & App"
    static let scopes = ["openid", "profile", "email", FakeGlobusAuth.transferScope]

    let auth: FakeGlobusAuth
    let browser = TestBrowser()
    let output = CapturedOutput()
    let storage: (any TokenStorage)?
    let client: NativeClient

    init(storage: (any TokenStorage)?, handlers: ((LoginFixture.Parts) -> [any CodeHandler])? = nil,
         environment: [String: String] = [:]) throws {
        let auth = try FakeGlobusAuth()
        self.auth = auth
        self.storage = storage
        let parts = Parts(browser: browser, output: output)
        let codeHandlers = handlers?(parts) ?? [parts.localServer()]
        client = try NativeClient(
            clientID: LoginFixture.clientID, appName: LoginFixture.appName, tokenStorage: storage,
            codeHandlers: codeHandlers, authBaseURL: auth.baseURL, environment: environment
        )
    }

    deinit { auth.stop() }

    /// Building blocks for code handlers wired to this fixture's browser and output.
    struct Parts {
        let browser: TestBrowser
        let output: CapturedOutput

        func localServer(timeoutSeconds: Double = 20, browser opener: BrowserOpener? = nil) -> LocalServerCodeHandler {
            LocalServerCodeHandler(timeoutSeconds: timeoutSeconds, interruptible: false, output: output.output, browser: opener ?? browser.opener)
        }
    }

    @discardableResult
    func login(force: Bool = false) throws -> TokenMap {
        try client.login(requestedScopes: LoginFixture.scopes, refreshTokens: true, force: force)
    }

    /// Rewrites the stored set of `resourceServer` so that it expired a minute ago.
    func expireStored(_ resourceServer: String) throws {
        guard let storage else { return }
        try storage.update { tokens in
            tokens[resourceServer]?.expiresAtSeconds = Int(Date().timeIntervalSince1970) - 60
        }
    }
}
