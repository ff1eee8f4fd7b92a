internal import ArgumentParser

/// The Globus Auth client a login verb works for, declared in each of `login`, `token` and
/// `logout` (an option group of its own would cost another round of reflection at every start).
/// Its tokens live in the namespace named by the client id, the way Fair Research Login's
/// `MultiClientTokenStorage` names its sections, unless `--namespace` says otherwise.
enum LoginOptions {
    static let clientIDHelp = ArgumentHelp(
        "The Globus Auth native app's client id (default: $FRL_VAULT_CLIENT_ID).", valueName: "id")
    static let namespaceHelp = ArgumentHelp(
        "The namespace inside the vault (default: the client id).", valueName: "name")

    /// `--client-id`, else `$FRL_VAULT_CLIENT_ID` (empty counts as unset).
    static func clientID(_ given: String?) throws(CLIError) -> String {
        if let given, !given.isEmpty { return given }
        if let fromEnvironment = VaultOptions.variable("FRL_VAULT_CLIENT_ID") { return fromEnvironment }
        throw .noClientID
    }
}
