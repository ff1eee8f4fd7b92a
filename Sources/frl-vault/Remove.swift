internal import ArgumentParser
internal import TokenVault

/// `remove`: drop token sets, all or nothing.
struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove the token sets of these resource servers.",
        discussion: "If any of them is not in the namespace, nothing is removed.")

    @Argument(help: ArgumentHelp("Resource servers, e.g. transfer.api.globus.org.", valueName: "resource-server"))
    var resourceServers: [String]

    @OptionGroup var vault: VaultOptions
    @Option(name: .long, help: NamespaceOption.help)
    var namespace: String = NamespaceOption.defaultName

    func validate() throws {
        if resourceServers.isEmpty { throw ValidationError("name at least one resource server") }
    }

    func run() throws {
        let opened = try OpenVault(vault, namespace: namespace)
        try opened.storage.update { tokens in
            for name in resourceServers where tokens[name] == nil {
                throw CLIError.noSuchResourceServer(name: name, namespace: namespace, path: opened.path)
            }
            for name in resourceServers { tokens.removeValue(forKey: name) }
        }
        let count = Set(resourceServers).count
        Posix.writeStandardOutput("removed \(count) token set\(count == 1 ? "" : "s") from namespace \(namespace) of \(opened.path)\n")
    }
}
