#if canImport(Glibc)
import Glibc
#endif
import FakeAuthServer
import Foundation
import Testing

/// `login`, `token` and `logout` against a Globus-Auth-like server on 127.0.0.1 over real
/// HTTP. The browser `frl-vault` opens (`xdg-open`, found in PATH) is a script in the sandbox
/// that does what a person's browser does with the authorize URL.
@Suite struct LoginVerbTests {
    static let clientID = "cli-test-client"

    /// A sandbox with a keyfile vault, a fake Globus Auth, and `xdg-open` in PATH.
    final class Place {
        let box = Sandbox()
        let auth: FakeGlobusAuth
        let key: String

        init(browser: Browser = .follow) throws {
            auth = try FakeGlobusAuth()
            key = box.makeKeyfileVault()
            let bin = box.path("bin")
            mkdir(bin, 0o700)
            box.write(browser.script(sandbox: box), to: "bin/xdg-open", mode: 0o700)
            box.environment["PATH"] = bin + ":" + Posix.path
            box.environment["GLOBUS_SDK_SERVICE_URL_AUTH"] = auth.baseURL
        }

        deinit { auth.stop() }

        var vaultArguments: [String] { ["--vault", box.vault, "--keyfile", key] }

        func run(_ verb: String, _ arguments: [String] = [], input: ChildProcess.Input = .devNull) -> ChildProcess.Outcome {
            box.run([verb] + vaultArguments + ["--client-id", LoginVerbTests.clientID] + arguments, input: input, timeout: 90)
        }

        func start(_ verb: String, _ arguments: [String] = []) -> ChildProcess {
            box.start([verb] + vaultArguments + ["--client-id", LoginVerbTests.clientID] + arguments)
        }

        /// The namespace as Fair Research Login's JSON (`export`), parsed.
        func saved() throws -> [String: [String: Any]] {
            let export = box.run(["export", "--namespace", LoginVerbTests.clientID] + vaultArguments)
            expectSuccess(export)
            return try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: [String: Any]])
        }

        func accessToken(_ server: String) throws -> String {
            try #require(try saved()[server]?["access_token"] as? String)
        }

        func refreshToken(_ server: String) throws -> String {
            try #require(try saved()[server]?["refresh_token"] as? String)
        }
    }

    /// What the stand-in browser does with the authorize URL it is given.
    enum Browser {
        /// Follow the redirect to the local server, as a browser does.
        case follow
        /// First fire a forged redirect with a wrong state at the local server, then follow.
        case forgeThenFollow
        /// Headless Chromium: it follows the redirect and renders the local server's page,
        /// whose DOM it leaves in `page.html` in the sandbox.
        case chromium(String)
        /// Take the code from the redirect to Globus Auth's helper page and "paste" it into
        /// frl-vault's standard input (a FIFO in the sandbox).
        case pasteInto(fifo: String)

        func script(sandbox: Sandbox) -> String {
            switch self {
            case .follow:
                return "#!/bin/sh\nexec curl -sS -L --max-time 30 -o /dev/null \"$1\"\n"
            case .forgeThenFollow:
                return """
                    #!/bin/sh
                    redirect=$(printf '%s' "$1" | sed -n 's/.*[?&]redirect_uri=\\([^&]*\\).*/\\1/p' | sed 's/%3A/:/g; s/%2F/\\//g')
                    curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "${redirect}?code=forged-code&state=forged-state" > \(sandbox.path("forged-status"))
                    exec curl -sS -L --max-time 30 -o /dev/null "$1"

                    """
            case .chromium(let chromium):
                let profile = sandbox.path("chromium-profile")
                return """
                    #!/bin/sh
                    exec timeout 60 \(chromium) --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \\
                        --disable-extensions --user-data-dir=\(profile) --dump-dom "$1" > \(sandbox.path("page.html")) 2>/dev/null

                    """
            case .pasteInto(let fifo):
                return """
                    #!/bin/sh
                    location=$(curl -sS --max-time 30 -o /dev/null -w '%{redirect_url}' "$1")
                    printf '%s\\n' "$location" | sed -n 's/.*[?&]code=\\([^&]*\\).*/\\1/p' > \(fifo)

                    """
            }
        }
    }

    @Test func loginThroughTheLocalServerSavesTheTokensUnderTheClientID() throws {
        let place = try Place()
        let login = place.run("login", ["--timeout", "60"])
        expectSuccess(login)
        #expect(login.stdout.contains("logged in: 2 token sets in namespace \(Self.clientID)"))
        let saved = try place.saved()
        #expect(Set(saved.keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        #expect(place.auth.requests(to: "/v2/oauth2/authorize").count == 1)
        // Refresh tokens by default, so that `token` can refresh later.
        #expect(place.auth.requests(to: "/v2/oauth2/authorize").first?.fields["access_type"] == "offline")
        // Saved tokens still valid: a second login asks nothing of anyone.
        expectSuccess(place.run("login"))
        #expect(place.auth.requests(to: "/v2/oauth2/authorize").count == 1)
        try expectNoTokens(in: [login], place: place)
    }

    static let chromium: String? = {
        let candidates: [String] = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        return candidates.first { access($0, X_OK) == 0 }
    }()

    // The test command installs Debian's chromium; elsewhere this says why it skipped.
    @Test(.enabled(if: chromium != nil, "Chromium is not installed (Debian package `chromium`; tools/test.sh installs it)"))
    func loginInHeadlessChromium() throws {
        let place = try Place(browser: .chromium(try #require(Self.chromium)))
        let login = place.run("login", ["--timeout", "60"])
        expectSuccess(login)
        #expect(Set(try place.saved().keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        // The page a person sees after consenting, as the browser rendered it.
        let page = try #require(place.box.read("page.html"))
        #expect(page.contains("Login Successful"))
        #expect(page.contains("frl-vault"))
        #expect(place.auth.requests(to: "/v2/oauth2/authorize").count == 1)
        try expectNoTokens(in: [login], place: place)
    }

    @Test func loginThroughThePastedCode() throws {
        let box = Sandbox()
        let fifo = box.path("stdin-fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let place = try Place(browser: .pasteInto(fifo: fifo))
        let login = place.run("login", ["--no-local-server"], input: .file(fifo))
        expectSuccess(login)
        #expect(login.stderr.contains("Please paste your auth code below"))
        #expect(Set(try place.saved().keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        let authorize = try #require(place.auth.requests(to: "/v2/oauth2/authorize").first)
        #expect(authorize.fields["redirect_uri"] == place.auth.baseURL + "/v2/web/auth-code")
    }

    @Test func aForgedRedirectDoesNotEndTheLogin() throws {
        let place = try Place(browser: .forgeThenFollow)
        expectSuccess(place.run("login", ["--timeout", "60"]))
        #expect(place.box.read("forged-status") == "404")
        #expect(Set(try place.saved().keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
        #expect(place.auth.requests(to: "/v2/oauth2/token").count == 1)
    }

    @Test func tokenPrintsTheSavedTokenWithoutAskingAnyone() throws {
        let place = try Place()
        expectSuccess(place.run("login"))
        let requestsBefore = place.auth.requests.count
        let token = place.run("token", [FakeGlobusAuth.transferServer])
        expectSuccess(token)
        #expect(token.stdout == (try place.accessToken(FakeGlobusAuth.transferServer)) + "\n")
        #expect(token.stderr.isEmpty)
        // By one of its scopes, too.
        let byScope = place.run("token", [FakeGlobusAuth.transferScope])
        #expect(byScope.stdout == token.stdout)
        #expect(place.auth.requests.count == requestsBefore)
    }

    @Test func tokenRefreshesOnceWhenTheTokenExpiresSoon() throws {
        let place = try Place()
        place.auth.setAccessTokenLifetime(30)
        expectSuccess(place.run("login"))
        let old = try place.accessToken(FakeGlobusAuth.transferServer)
        // 30 s left is within the default --min-valid of 60 s.
        let token = place.run("token", [FakeGlobusAuth.transferServer])
        expectSuccess(token)
        let fresh = token.stdout.trimmingCharacters(in: .newlines)
        #expect(fresh != old)
        #expect(place.auth.isLive(accessToken: fresh))
        #expect(try place.accessToken(FakeGlobusAuth.transferServer) == fresh)
        #expect(place.auth.requests(to: "/v2/oauth2/token").count == 2)  // the code, then one refresh
        // With --min-valid 0 the fresh token (30 s left) is good enough: no request.
        expectSuccess(place.run("token", [FakeGlobusAuth.transferServer, "--min-valid", "0"]))
        #expect(place.auth.requests(to: "/v2/oauth2/token").count == 2)
    }

    @Test func twoScriptsAtOnceSpendARotatingRefreshTokenOnce() throws {
        let place = try Place()
        place.auth.setAccessTokenLifetime(0)
        expectSuccess(place.run("login"))
        let spent = try place.refreshToken(FakeGlobusAuth.transferServer)
        // The refreshed token is good for an hour: whoever comes second uses it as it is.
        place.auth.setAccessTokenLifetime(3600)
        place.auth.setRotateRefreshTokens(true)
        place.auth.setRefreshDelay(milliseconds: 700)
        let first = place.start("token", [FakeGlobusAuth.transferServer])
        let second = place.start("token", [FakeGlobusAuth.transferServer])
        let outcomes = [first.wait(timeout: 90), second.wait(timeout: 90)]
        for outcome in outcomes {
            expectSuccess(outcome)
            #expect(place.auth.isLive(accessToken: outcome.stdout.trimmingCharacters(in: .newlines)))
        }
        #expect(outcomes[0].stdout == outcomes[1].stdout)
        #expect(place.auth.timesSpent(refreshToken: spent) == 1)
        #expect(place.auth.refreshAttempts.values.allSatisfy { $0 <= 1 })
        // The rotated refresh token is the one saved.
        #expect(try place.refreshToken(FakeGlobusAuth.transferServer) != spent)
    }

    @Test func tokenNeverStartsALogin() throws {
        let place = try Place()
        let nothing = place.run("token", [FakeGlobusAuth.transferServer])
        expectFailure(nothing, 67, mentioning: ["no saved tokens"])
        #expect(nothing.stderr.contains("frl-vault: hint: log in with 'frl-vault login'"))
        place.auth.setAccessTokenLifetime(0)
        expectSuccess(place.run("login", ["--no-refresh-tokens"]))
        let expired = place.run("token", [FakeGlobusAuth.transferServer])
        expectFailure(expired, 67, mentioning: ["expired", FakeGlobusAuth.transferServer])
        #expect(expired.stderr.contains("frl-vault login"))
        expectFailure(place.run("token", ["search.api.globus.org"]), 67, mentioning: ["search.api.globus.org"])
        #expect(place.auth.requests(to: "/v2/oauth2/authorize").count == 1)
        // A refresh Globus Auth refuses is a login to do again, too.
        let again = try Place()
        again.auth.setAccessTokenLifetime(0)
        expectSuccess(again.run("login"))
        again.auth.setToken(.invalidGrantForRefresh)
        expectFailure(again.run("token", [FakeGlobusAuth.transferServer]), 67, mentioning: ["expired"])
    }

    @Test func logoutRevokesEveryTokenAndClears() throws {
        let place = try Place()
        expectSuccess(place.run("login"))
        let saved = try place.saved()
        let secrets = saved.values.flatMap { [$0["access_token"], $0["refresh_token"]].compactMap { $0 as? String } }
        #expect(secrets.count == 4)
        let logout = place.run("logout")
        expectSuccess(logout)
        #expect(logout.stdout.contains("revoked and cleared 2 token sets"))
        #expect(Set(secrets).isSubset(of: place.auth.revokedTokens))
        // The namespace was the only one: the vault is wiped, its lock file gone.
        #expect(!place.box.exists(place.box.vault) && !place.box.exists(place.box.vault + ".lock"))
        expectFailure(place.run("token", [FakeGlobusAuth.transferServer]), 66)
    }

    @Test func aFailedRevocationIsReportedAndTheTokensClearedAnyway() throws {
        let place = try Place()
        expectSuccess(place.run("login"))
        place.box.importFixture(["--keyfile", place.key])  // another namespace ("tokens") stays
        place.auth.setToken(.serverError)
        let logout = place.run("logout")
        expectFailure(logout, 69, mentioning: ["could not revoke", "cleared all the same"])
        #expect(try place.saved().isEmpty)
        let other = place.box.run(["export"] + place.vaultArguments)
        #expect(other.stdout.contains(Fixtures.accessTokens[0]))
    }

    @Test func hostileAnswersFailDistinctlyAndLeaveTheVaultAsItWas() throws {
        let cases: [(String, (FakeGlobusAuth) -> Void, String)] = [
            ("denied", { $0.setAuthorize(.deny) }, "did not authorize"),
            ("server error", { $0.setToken(.serverError) }, "HTTP 500"),
            ("garbage", { $0.setToken(.garbage) }, "not usable"),
        ]
        for (name, setUp, words) in cases {
            let place = try Place()
            place.box.importFixture(["--keyfile", place.key])
            let before = place.box.read(place.box.vault)
            setUp(place.auth)
            let login = place.run("login", ["--timeout", "20"])
            expectLoginFailure(login, 69, mentioning: [words])
            #expect(place.box.read(place.box.vault) == before, "\(name): the vault changed")
        }
        // Only redirects with a wrong state: the wait ends at the timeout, with its own words.
        let place = try Place()
        let before = place.box.read(place.box.vault)
        place.auth.setAuthorize(.wrongState)
        let login = place.run("login", ["--timeout", "3"])
        expectLoginFailure(login, 69, mentioning: ["wrong state"])
        #expect(place.box.read(place.box.vault) == before)
    }

    @Test func aClientIDIsRequired() throws {
        let place = try Place()
        let outcome = place.box.run(["token", FakeGlobusAuth.authServer] + place.vaultArguments)
        expectFailure(outcome, 64, mentioning: ["--client-id", "FRL_VAULT_CLIENT_ID"])
        expectSuccess(place.box.run(["login"] + place.vaultArguments, environment: ["FRL_VAULT_CLIENT_ID": Self.clientID]))
        #expect(Set(try place.saved().keys) == [FakeGlobusAuth.authServer, FakeGlobusAuth.transferServer])
    }

    /// A failed login: the status, and its last stderr lines the error (and hint); the lines
    /// before them are the login's own messages (where to log in), which the rule for error
    /// lines does not cover.
    func expectLoginFailure(
        _ outcome: ChildProcess.Outcome, _ status: Int32, mentioning fragments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == status, "status \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        let errors = outcome.errorLines.filter { $0.hasPrefix("frl-vault: error: ") }
        #expect(errors.count == 1, "expected one error line in: \(outcome.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(errors.first?.contains(fragment) == true, "'\(fragment)' not in: \(outcome.stderr)", sourceLocation: sourceLocation)
        }
        let last = outcome.errorLines.last.map(String.init) ?? ""
        #expect(last.hasPrefix("frl-vault: error: ") || last.hasPrefix("frl-vault: hint: "), sourceLocation: sourceLocation)
        expectNoSecrets(outcome, sourceLocation: sourceLocation)
    }

    /// No access or refresh token the vault holds appears on stderr, in any message.
    func expectNoTokens(in outcomes: [ChildProcess.Outcome], place: Place) throws {
        let saved = try place.saved()
        for set in saved.values {
            for case let secret as String in [set["access_token"], set["refresh_token"]] {
                for outcome in outcomes { #expect(!outcome.stderr.contains(secret) && !outcome.stdout.contains(secret)) }
            }
        }
    }
}
