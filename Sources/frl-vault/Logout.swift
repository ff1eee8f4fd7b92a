internal import ArgumentParser
#if !FRL_VAULT_STATIC_RELEASE
internal import NativeLogin
#endif
internal import TokenVault

/// `logout`: revoke a client's tokens at Globus Auth, then clear its namespace.
struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Revoke the client's tokens at Globus Auth and clear its namespace from the vault.",
        discussion: "Every access and refresh token of the namespace is revoked, then the namespace is cleared (and, when nothing else is left, the vault securely wiped). A revocation that fails is reported with status 69, and the tokens are cleared all the same.")

    @OptionGroup var vault: VaultOptions
    @Option(name: .customLong("client-id"), help: LoginOptions.clientIDHelp)
    var clientID: String?
    @Option(name: .long, help: LoginOptions.namespaceHelp)
    var namespace: String?

    func run() throws {
        #if FRL_VAULT_STATIC_RELEASE
        try LoginCompanion.handOver()
        #else
        let client = try LoginOptions.clientID(clientID)
        let opened = try OpenVault(vault, namespace: namespace ?? client)
        let tokens = try opened.storage.readTokens()
        let native = try NativeClient(clientID: client, appName: "frl-vault", tokenStorage: opened.storage, codeHandlers: [])
        var revocation: (any Error)?
        do {
            try native.revokeTokenSet(tokens)
        } catch {
            revocation = error
        }
        // Cleared whether or not Globus Auth answered: the user asked for the tokens to be gone
        // from this machine, and a revocation that failed is reported below.
        try opened.storage.clearTokens()
        if case .revocationFailed(let servers, let reason)? = revocation as? AuthFailure {
            throw CLIError.revocationFailed(resourceServers: servers, reason: reason, namespace: opened.storage.namespace)
        }
        if let revocation { throw revocation }
        let count = tokens.count
        Posix.writeStandardOutput(
            "logged out: revoked and cleared \(count) token set\(count == 1 ? "" : "s") of namespace \(opened.storage.namespace) in \(opened.path)\n")
        #endif
    }
}
