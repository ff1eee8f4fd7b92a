internal import TokenVault
internal import VaultCrypto

/// Opening an existing vault the same way for every verb: the header first (so a missing or
/// foreign file fails before any passphrase is asked for or a passphrase command runs), then
/// the key from the given source, else the prompt, else a usage error that lists the sources.
struct OpenVault {
    let path: String
    let info: VaultInfo
    let storage: VaultTokenStorage

    init(_ vault: VaultOptions, namespace: String = NamespaceOption.defaultName) throws {
        path = try vault.path()
        let given = try vault.givenSource()
        info = try VaultTokenStorage.inspect(path: path)
        let source = try given ?? Self.fallbackSource(path: path, info: info)
        let vaultKey = try KeyReading.key(from: source, purpose: .unlock(path: path), kdf: info.argon2idParameters ?? .moderate)
        storage = VaultTokenStorage(path: path, key: vaultKey, namespace: namespace, lockTimeoutSeconds: vault.lockTimeout)
    }

    /// No flag or variable named a key: a keyfile vault cannot be prompted for, and a
    /// passphrase vault only when someone is at the terminal.
    static func fallbackSource(path: String, info: VaultInfo) throws -> KeySource {
        if case .keyfile = info.keyDerivation {
            throw CLIError.keyKindNeeded(path: path, vaultUses: "keyfile", hint: "give --keyfile PATH or set $FRL_VAULT_KEYFILE")
        }
        guard TerminalPrompt.isAvailable else {
            throw CLIError.noKeySource(purpose: "open \(path)", looked: VaultOptions.keySourceNames)
        }
        return .prompt
    }
}

extension VaultInfo {
    /// The Argon2id cost recorded in the header, when it is one of the named presets.
    var argon2idParameters: Argon2idParameters? {
        guard case .argon2id(let ops, let mem) = keyDerivation else { return nil }
        return KDFPreset.named(opsLimit: ops, memLimitBytes: mem)?.parameters
    }
}
