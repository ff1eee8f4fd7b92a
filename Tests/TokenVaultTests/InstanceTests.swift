import Glibc
import Testing
import Tokens
import TokenVault

@Suite("One storage instance")
struct InstanceTests {
    @Test("the keyfile is read once per instance: removing it afterwards does not stop that instance")
    func keyfileReadOnce() throws {
        let place = try VaultPlace()
        let storage = place.storage()
        try storage.writeTokens(sampleTokens("cached"))
        #expect(unlink(place.keyfile) == 0)
        #expect(try storage.readTokens() == sampleTokens("cached"))
        try storage.update { $0["late.example.org"] = tokenSet("late.example.org", "late") }
        // A new instance has to read the keyfile, and it is gone.
        #expect(throws: VaultError.missingKeyfile(path: place.keyfile)) { try place.storage().readTokens() }
    }

    @Test("threads updating through separate instances in one process lose nothing")
    func threadsInOneProcess() async throws {
        let place = try VaultPlace()
        let workers = 4
        let updatesEach = 15
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                let storage = place.storage(lockTimeoutSeconds: 60)
                group.addTask {
                    for i in 0..<updatesEach {
                        try storage.update { $0["w\(worker)-\(i)"] = tokenSet("w\(worker)-\(i)", "t") }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try place.storage().readTokens().count == workers * updatesEach)
    }

    @Test("one instance shared by several threads loses nothing either")
    func sharedInstance() async throws {
        let place = try VaultPlace()
        let storage = VaultTokenStorage(
            path: place.vault, key: .passphrase(try passphrase("shared"), kdf: cheapKDF), lockTimeoutSeconds: 60)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<3 {
                group.addTask {
                    for i in 0..<10 {
                        try storage.update { $0["s\(worker)-\(i)"] = tokenSet("s\(worker)-\(i)", "t") }
                        _ = try storage.readTokens()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try storage.readTokens().count == 30)
    }
}
