import Tokens
@testable import TokenVault
import VaultCrypto

/// A cheap Argon2id cost (1 pass, 8 MiB): tests exercise the vault, not the KDF's strength.
/// Writers refuse it outside the tests (`VaultCodec.checkWritable`).
let cheapKDF: Argon2idParameters = {
    ToyCosts.acceptForTests()
    do { return try Argon2idParameters(opsLimit: 1, memLimitBytes: 8 << 20) } catch { fatalError("\(error)") }
}()

/// The cheap costs of this suite's fixtures, accepted by writers for the tests only.
enum ToyCosts {
    static let costs: [Argon2idParameters] = {
        do {
            return [try Argon2idParameters(opsLimit: 1, memLimitBytes: 8 << 20), try Argon2idParameters(opsLimit: 1, memLimitBytes: 8192)]
        } catch { fatalError("\(error)") }
    }()

    static func acceptForTests() {
        VaultCodec.acceptedBelowInteractive.withLock { $0.formUnion(costs) }
    }
}

func passphrase(_ text: String) throws -> Passphrase {
    try Array(text.utf8).withUnsafeBytes { raw in try Passphrase(try SecureBytes(copying: raw)) }
}

func tokenSet(_ server: String, _ label: String, expires: Int = 1_700_000_000) -> TokenSet {
    TokenSet(
        scope: "openid \(server)/all", accessToken: "AT-\(label)-\(server)", refreshToken: "RT-\(label)-\(server)",
        expiresAtSeconds: expires, resourceServer: server)
}

/// `count` resource servers whose tokens all carry `label`.
func sampleTokens(_ label: String, count: Int = 3) -> TokenMap {
    var map: TokenMap = [:]
    for index in 0..<count {
        let server = index == 0 ? "auth.globus.org" : "rs\(index).example.org"
        map[server] = tokenSet(server, label)
    }
    return map
}

/// The states `vault-child write-loop` writes (kept in step with Tests/Children/vault-child).
func crashState(_ k: Int) -> TokenMap {
    var map: TokenMap = [:]
    for server in ["auth.globus.org", "transfer.api.globus.org", "rs-\(k % 7)"] {
        map[server] = TokenSet(
            scope: "openid \(server)", accessToken: "PLAINTEXT-MARKER-access-\(k)-\(server)",
            refreshToken: "PLAINTEXT-MARKER-refresh-\(k)", expiresAtSeconds: k, resourceServer: server)
    }
    return map
}

/// A private directory with a keyfile and room for a vault.
struct VaultPlace {
    let directory: TemporaryDirectory
    let vault: String
    let keyfile: String

    init() throws {
        directory = try TemporaryDirectory()
        vault = directory.file("tokens.vault")
        keyfile = directory.file("vault.key")
        try Keyfile.generate(at: keyfile)
    }

    var key: VaultKey { .keyfile(path: keyfile) }

    func storage(namespace: String = "tokens", lockTimeoutSeconds: Double = 10) -> VaultTokenStorage {
        VaultTokenStorage(path: vault, key: key, namespace: namespace, lockTimeoutSeconds: lockTimeoutSeconds)
    }

    /// A second keyfile, for wrong-key and rekey tests.
    func otherKeyfile(_ name: String = "other.key") throws -> String {
        let path = directory.file(name)
        try Keyfile.generate(at: path)
        return path
    }
}
