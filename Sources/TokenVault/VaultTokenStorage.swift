public import Tokens

/// STUB of the public API; the vault-storage work replaces every body. The signatures are the
/// contract the CLI and NativeLogin build against.
public final class VaultTokenStorage: TokenStorage, @unchecked Sendable {
    public let path: String
    public let namespace: String

    public init(path: String, key: VaultKey, namespace: String = "tokens", lockTimeoutSeconds: Double = 10) {
        self.path = path
        self.namespace = namespace
    }

    /// Creates an empty vault; `alreadyExists` unless `force`.
    public static func create(path: String, key: VaultKey, force: Bool = false) throws {
        fatalError("stub")
    }

    /// Reads the header only; needs no key.
    public static func inspect(path: String) throws -> VaultInfo {
        fatalError("stub")
    }

    public func writeTokens(_ tokens: TokenMap) throws { fatalError("stub") }
    public func readTokens() throws -> TokenMap { fatalError("stub") }
    public func clearTokens() throws { fatalError("stub") }
    public func update<Result>(_ body: (inout TokenMap) throws -> Result) throws -> Result { fatalError("stub") }

    /// Every namespace's map (for `show`, `status`, `export`).
    public func readAllNamespaces() throws -> [String: TokenMap] { fatalError("stub") }

    /// Read-modify-write of every namespace under the lock.
    public func updateAllNamespaces<Result>(_ body: (inout [String: TokenMap]) throws -> Result) throws -> Result {
        fatalError("stub")
    }

    /// Securely wipes the whole vault file (all namespaces) and its lock file.
    public func destroyVault() throws { fatalError("stub") }

    /// Re-encrypts the vault under `newKey` with a fresh salt and nonce, verified before the
    /// rename, holding the lock and keeping the file's mode.
    public func rekey(to newKey: VaultKey) throws { fatalError("stub") }
}

/// Keyfiles: 32 random bytes in the documented text format, mode 0600.
public enum Keyfile {
    /// Writes a new keyfile; `alreadyExists` if the path exists.
    public static func generate(at path: String) throws { fatalError("stub") }
}
