internal import ArgumentParser
internal import TokenVault

/// `verify`: decrypt and validate everything, one line of verdict.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Decrypt and validate the whole vault; print a one-line verdict.",
        discussion: "Success prints 'ok: ...' on stdout; failure prints one error line on stderr and exits non-zero.")

    @OptionGroup var vault: VaultOptions

    func run() throws {
        let opened = try OpenVault(vault)
        let namespaces = try opened.storage.readAllNamespaces()
        for (name, map) in namespaces {
            for (resourceServer, set) in map where set.resourceServer != resourceServer {
                throw VaultError.invalidTokenData(
                    path: opened.path,
                    reason: "namespace \(name): token set filed under \(resourceServer) names resource server \(set.resourceServer)")
            }
        }
        let now = Posix.now()
        let sets = namespaces.values.reduce(0) { $0 + $1.count }
        let expired = namespaces.values.reduce(0) { $0 + $1.values.filter { now >= $0.expiresAtSeconds }.count }
        Posix.writeStandardOutput(
            "ok: \(opened.path): \(namespaces.count) namespace\(namespaces.count == 1 ? "" : "s"), "
                + "\(sets) token set\(sets == 1 ? "" : "s") (\(expired) expired), \(TokenReport.kdfText(opened.info))\n")
    }
}
