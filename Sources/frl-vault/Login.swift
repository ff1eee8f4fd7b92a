internal import ArgumentParser
#if !FRL_VAULT_STATIC_RELEASE
internal import NativeLogin
#endif
internal import TokenVault

/// `login`: the native-app flow of `NativeLogin`, its tokens saved in the vault.
struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to Globus Auth and save the tokens in the vault.",
        discussion: "Opens the authorization page in a browser and receives the code on a local server at 127.0.0.1 (over SSH or with --no-local-server the code is pasted instead; with --no-browser, or when no browser opens, the URL is printed to open by hand). Saved tokens still valid for the scopes are kept and no login happens, unless --force. The URL and prompts go to stderr. The vault must exist (frl-vault init).")

    @OptionGroup var vault: VaultOptions
    @Option(name: .customLong("client-id"), help: LoginOptions.clientIDHelp)
    var clientID: String?
    @Option(name: .long, help: LoginOptions.namespaceHelp)
    var namespace: String?
    @Option(name: .customLong("scope"), help: ArgumentHelp(
        "A scope to request (repeatable; default: openid profile email and Globus Transfer).", valueName: "scope"))
    var scopes: [String] = []
    @Flag(name: .customLong("no-refresh-tokens"), help: "Do not ask for refresh tokens ('frl-vault token' then cannot refresh).")
    var noRefreshTokens = false
    @Flag(name: .customLong("no-local-server"), help: "Paste the code instead of receiving it on 127.0.0.1.")
    var noLocalServer = false
    @Flag(name: .customLong("no-browser"), help: "Print the URL instead of opening a browser.")
    var noBrowser = false
    @Flag(help: "Log in even when the saved tokens are still valid.")
    var force = false
    @Option(name: .customLong("timeout"), help: ArgumentHelp(
        "Seconds to wait for the browser's redirect to the local server. (default: 3600)", valueName: "seconds"))
    var timeoutOption: Double?
    @Flag(help: "Print the result as JSON (resource servers and expiry, never a token).")
    var json = false

    func validate() throws {
        if let timeoutOption, !(timeoutOption > 0 && timeoutOption.isFinite) {
            throw ValidationError("--timeout must be a number of seconds above zero")
        }
    }

    func run() throws {
        #if FRL_VAULT_STATIC_RELEASE
        try LoginCompanion.handOver()
        #else
        let client = try LoginOptions.clientID(clientID)
        let opened = try OpenVault(vault, namespace: namespace ?? client)
        // The key is proven before anyone spends a minute in a browser: a login whose tokens
        // could then not be saved would leave them live and lost.
        _ = try opened.storage.readTokens()
        // One handler, so that what went wrong is what is reported: the local server where this
        // session can use one (the library's rule: not over SSH, not with --no-local-server),
        // else the pasted code. (The library would pass a denied or timed-out login on to the
        // paste prompt, and then report only that nothing was pasted.)
        let localServer = LocalServerCodeHandler(timeoutSeconds: timeoutOption ?? LocalServerCodeHandler.defaultTimeoutSeconds)
        let context = CodeHandlerContext(appName: "frl-vault", noBrowser: noBrowser, noLocalServer: noLocalServer)
        let handlers: [any CodeHandler] = localServer.isAvailable(in: context) ? [localServer] : [InputCodeHandler()]
        let native = try NativeClient(clientID: client, appName: "frl-vault", tokenStorage: opened.storage, codeHandlers: handlers)
        let tokens = try native.login(
            requestedScopes: scopes.isEmpty ? nil : scopes, refreshTokens: !noRefreshTokens, force: force,
            noLocalServer: noLocalServer, noBrowser: noBrowser)
        let servers = tokens.keys.sorted()
        if json {
            Posix.writeStandardOutput(JSONValue.object([
                "vault": .string(opened.path),
                "namespace": .string(opened.storage.namespace),
                "resource_servers": .orderedObject(servers.compactMap { server in
                    tokens[server].map { set in
                        (server, .object([
                            "scope": .string(set.scope),
                            "expires_at_seconds": .integer(set.expiresAtSeconds),
                            "has_refresh_token": .bool(!(set.refreshToken ?? "").isEmpty),
                        ]))
                    }
                }),
            ]).rendered())
        } else {
            let count = servers.count
            Posix.writeStandardOutput(
                "logged in: \(count) token set\(count == 1 ? "" : "s") in namespace \(opened.storage.namespace) of \(opened.path): "
                    + servers.joined(separator: ", ") + "\n")
        }
        #endif
    }
}
