internal import ArgumentParser
#if !FRL_VAULT_STATIC_RELEASE
internal import NativeLogin
#endif
internal import Tokens
internal import TokenVault

/// `token`: one access token on stdout, refreshed first when it is about to expire, for
/// `curl -H "Authorization: Bearer $(frl-vault token transfer.api.globus.org)"`.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a resource server's access token, refreshing it first if it expires soon.",
        discussion: "Prints the access token and a newline on stdout and nothing else. A token that expires within --min-valid seconds is refreshed first, under the vault's lock, so scripts running at once spend a refresh token only once. Never starts a login: with no saved token, or an expired one without a refresh token, it fails with status 67.")

    @Argument(help: ArgumentHelp(
        "The resource server (e.g. transfer.api.globus.org), or one of the scopes its token holds.",
        valueName: "resource-server"))
    var name: String

    @OptionGroup var vault: VaultOptions
    @Option(name: .customLong("client-id"), help: LoginOptions.clientIDHelp)
    var clientID: String?
    @Option(name: .long, help: LoginOptions.namespaceHelp)
    var namespace: String?
    @Option(name: .customLong("min-valid"), help: ArgumentHelp(
        "Refresh a token that expires within this many seconds. (default: 60)", valueName: "seconds"))
    var minValidOption: Int?
    @Flag(help: "Print the token set as JSON: access_token, expires_at_seconds, resource_server, scope.")
    var json = false

    func validate() throws {
        if let minValidOption, minValidOption < 0 { throw ValidationError("--min-valid must be zero or more seconds") }
    }

    func run() throws {
        #if FRL_VAULT_STATIC_RELEASE
        guard let set = try tokenSetValidLongEnough() else { try LoginCompanion.handOver() }
        #else
        let client = try LoginOptions.clientID(clientID)
        let opened = try OpenVault(vault, namespace: namespace ?? client)
        let native = try NativeClient(clientID: client, appName: "frl-vault", tokenStorage: opened.storage, codeHandlers: [])
        let set = try native.freshTokenSet(for: name, minValidSeconds: minValidOption ?? 60)
        #endif
        write(set)
    }

    #if FRL_VAULT_STATIC_RELEASE
    /// The static binary answers by itself what needs no login code: a saved token valid for
    /// --min-valid more seconds, when the key can be read a second time by the companion should
    /// it come to that (a keyfile or a passphrase file; not a descriptor, command or prompt,
    /// whose passphrase would be consumed or asked for twice). Anything else, errors included,
    /// is the companion's, so they read the same as from the whole program.
    private func tokenSetValidLongEnough() throws -> TokenSet? {
        switch try vault.givenSource() {
        case .keyfile?, .passphraseFile?: break
        default: return nil
        }
        let client = try LoginOptions.clientID(clientID)
        let opened = try OpenVault(vault, namespace: namespace ?? client)
        guard case .found(let set) = try opened.storage.readTokens().tokenSet(named: name),
              !set.expires(within: minValidOption ?? 60, of: Posix.now())
        else { return nil }
        return set
    }
    #endif

    private func write(_ set: TokenSet) {
        if json {
            Posix.writeStandardOutput(JSONValue.orderedObject([
                ("access_token", .string(set.accessToken)),
                ("expires_at_seconds", .integer(set.expiresAtSeconds)),
                ("resource_server", .string(set.resourceServer)),
                ("scope", .string(set.scope)),
            ]).rendered())
        } else {
            Posix.writeStandardOutput(set.accessToken + "\n")
        }
    }
}
