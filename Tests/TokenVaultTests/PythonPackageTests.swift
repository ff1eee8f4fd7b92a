import Foundation
import Testing
import Tokens
import TokenVault
import VaultCrypto

/// The Swift library and the Python package (python/, `frl_vault`) on the same vault files, in
/// both directions: what one writes the other reads, token set for token set. The package runs
/// in the interpreter named by `$FRL_VAULT_PYTHON`, which the test command sets to the .venv it
/// builds (tools/setup-python.sh); without it these tests skip, saying so.
@Suite("The Swift library and the Python package share vaults")
struct PythonPackageTests {
    static let python = ProcessInfo.processInfo.environment["FRL_VAULT_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipReason: Comment = "FRL_VAULT_PYTHON is not set (tools/test.sh sets it to the .venv with the frl_vault package)"

    /// Reads every namespace given on the command line and prints them as one JSON object.
    static let reader = """
        import json, sys
        from frl_vault import VaultTokenStorage
        path, key_kind, key = sys.argv[1:4]
        key_argument = {"keyfile": key} if key_kind == "keyfile" else {"passphrase": key.encode()}
        print(json.dumps({name: VaultTokenStorage(path, namespace=name, **key_argument).read_tokens()
                          for name in sys.argv[4:]}))
        """

    /// Writes the JSON object on stdin ({namespace: token map}) one namespace per instance.
    static let writer = """
        import json, sys
        from frl_vault import VaultTokenStorage
        path, key_kind, key = sys.argv[1:4]
        key_argument = {"keyfile": key} if key_kind == "keyfile" else {"passphrase": key.encode(), "kdf": "interactive"}
        for name, tokens in json.load(sys.stdin).items():
            VaultTokenStorage(path, namespace=name, **key_argument).write_tokens(tokens)
        """

    static let namespaces: [String: TokenMap] = [
        "tokens": sampleTokens("swift-one", count: 3),
        "client-é": sampleTokens("swift-two", count: 2),
    ]

    @Test("a keyfile vault the Swift library writes, Python reads exactly", .enabled(if: python != nil, skipReason))
    func pythonReadsSwiftKeyfileVault() throws {
        let place = try VaultPlace()
        for (name, tokens) in Self.namespaces { try place.storage(namespace: name).writeTokens(tokens) }
        let read = try Self.run(Self.reader, [place.vault, "keyfile", place.keyfile] + Self.namespaces.keys.sorted())
        #expect(read == Self.namespaces)
    }

    @Test("a passphrase vault the Swift library writes, Python reads exactly", .enabled(if: python != nil, skipReason))
    func pythonReadsSwiftPassphraseVault() throws {
        let place = try VaultPlace()
        for (name, tokens) in Self.namespaces {
            let key = VaultKey.passphrase(try passphrase("pässwörd with spaces"), kdf: .interactive)
            try VaultTokenStorage(path: place.vault, key: key, namespace: name).writeTokens(tokens)
        }
        let read = try Self.run(Self.reader, [place.vault, "passphrase", "pässwörd with spaces"] + Self.namespaces.keys.sorted())
        #expect(read == Self.namespaces)
    }

    @Test(
        "a vault Python writes, the Swift library reads exactly, and updates without losing Python's namespaces",
        .enabled(if: python != nil, skipReason), arguments: [false, true])
    func swiftReadsPythonVault(usePassphrase: Bool) throws {
        let place = try VaultPlace()
        let keyArguments = usePassphrase ? ["passphrase", "correct horse"] : ["keyfile", place.keyfile]
        let input = try JSONEncoder().encode(Self.namespaces.mapValues { $0.mapValues(PythonTokenSet.init) })
        _ = try Self.run(Self.writer, [place.vault] + keyArguments, input: input)
        let key: VaultKey = usePassphrase ? .passphrase(try passphrase("correct horse"), kdf: .interactive) : place.key
        let storage = VaultTokenStorage(path: place.vault, key: key)
        #expect(try storage.readAllNamespaces() == Self.namespaces)
        try storage.writeTokens(sampleTokens("swift-again", count: 1))
        var expected = Self.namespaces
        expected["tokens"] = sampleTokens("swift-again", count: 1)
        let read = try Self.run(Self.reader, [place.vault] + keyArguments + expected.keys.sorted())
        #expect(read == expected)
    }

    /// Runs `script` in the package's interpreter; its stdout, parsed as namespaces.
    static func run(_ script: String, _ arguments: [String], input: Data? = nil) throws -> [String: TokenMap] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        let feed = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = feed
        try process.run()
        if let input { feed.fileHandleForWriting.write(input) }
        try feed.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python failed: \(complaint)")
        guard !printed.isEmpty else { return [:] }
        let decoded = try JSONDecoder().decode([String: [String: PythonTokenSet]].self, from: printed)
        return decoded.mapValues { $0.mapValues(\.tokenSet) }
    }
}

/// A token set in Fair Research Login's JSON shape.
struct PythonTokenSet: Codable {
    var scope: String
    var access_token: String
    var refresh_token: String?
    var token_type: String
    var expires_at_seconds: Int
    var resource_server: String

    init(_ set: TokenSet) {
        scope = set.scope
        access_token = set.accessToken
        refresh_token = set.refreshToken
        token_type = "Bearer"
        expires_at_seconds = set.expiresAtSeconds
        resource_server = set.resourceServer
    }

    var tokenSet: TokenSet {
        TokenSet(
            scope: scope, accessToken: access_token, refreshToken: refresh_token, expiresAtSeconds: expires_at_seconds,
            resourceServer: resource_server)
    }
}
