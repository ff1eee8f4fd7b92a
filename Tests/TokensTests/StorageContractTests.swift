import StorageContract
import Testing
import Tokens

/// One contract suite, run over every storage in this module.
@Suite struct StorageContractTests {
    @Test func jsonStorage() throws {
        let directory = try TemporaryDirectory()
        try checkStorageContract { JSONTokenStorage(path: directory.file("tokens.json")) }
    }

    @Test func configParserStorage() throws {
        let directory = try TemporaryDirectory()
        try checkStorageContract { ConfigParserTokenStorage(path: directory.file("tokens.cfg")) }
    }

    @Test func configParserStorageInASharedFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("shared.cfg", "[app]\nname = demo\n\n[tokens]\nleft__over = 1\n")
        // The contract starts from an empty storage; another section holds tokens meanwhile.
        try ConfigParserTokenStorage(path: path).clearTokens()
        try MultiClientTokenStorage(clientID: "other-client", path: path).writeTokens(ContractSamples.second)
        try checkStorageContract { ConfigParserTokenStorage(path: path) }
        #expect(try MultiClientTokenStorage(clientID: "other-client", path: path).readTokens() == ContractSamples.second)
        #expect(try text(of: path).hasPrefix("[app]\nname = demo\n\n"))
    }

    @Test func multiClientStorage() throws {
        let directory = try TemporaryDirectory()
        try checkStorageContract { MultiClientTokenStorage(clientID: Fixtures.clientID, path: directory.file("multi.cfg")) }
    }

    @Test func memoryStorage() throws {
        let shared = MemoryTokenStorage()
        try checkStorageContract { shared }
    }

    /// The suite itself must catch a storage that breaks the contract.
    @Test func theContractCatchesABrokenStorage() {
        struct ForgetfulStorage: TokenStorage {
            func writeTokens(_ tokens: TokenMap) throws {}
            func readTokens() throws -> TokenMap { [:] }
            func clearTokens() throws {}
        }
        #expect(throws: ContractViolation.self) { try checkStorageContract { ForgetfulStorage() } }

        final class MergingStorage: TokenStorage, @unchecked Sendable {
            let inner = MemoryTokenStorage()
            func writeTokens(_ tokens: TokenMap) throws { try inner.writeTokens(inner.readTokens().merging(tokens) { $1 }) }
            func readTokens() throws -> TokenMap { inner.readTokens() }
            func clearTokens() throws { inner.clearTokens() }
        }
        let merging = MergingStorage()
        let error = #expect(throws: ContractViolation.self) { try checkStorageContract { merging } }
        #expect(error?.check.contains("replaces the whole map") == true)
    }

    @Test func memoryUpdatesFromManyTasksLoseNothing() async throws {
        let storage = MemoryTokenStorage()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    _ = try? storage.update { tokens in
                        let name = "server\(index)"
                        tokens[name] = TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: index, resourceServer: name)
                    }
                }
            }
        }
        #expect(storage.readTokens().count == 100)
    }

    @Test func writesRefuseInvalidMaps() throws {
        let directory = try TemporaryDirectory()
        var set = ContractSamples.second["auth.globus.org"]!
        let misfiled: TokenMap = ["elsewhere": set]
        set.tokenType = "MAC"
        let badType: TokenMap = ["auth.globus.org": set]
        let storages: [any TokenStorage] = [
            JSONTokenStorage(path: directory.file("v.json")), ConfigParserTokenStorage(path: directory.file("v.cfg")),
            MemoryTokenStorage(),
        ]
        for storage in storages {
            for map in [misfiled, badType] {
                #expect(throws: (any Error).self) { try storage.writeTokens(map) }
                #expect(try storage.readTokens() == [:])
            }
        }
    }
}
