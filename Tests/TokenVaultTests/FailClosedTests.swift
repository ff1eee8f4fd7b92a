import Glibc
import Testing
import Tokens
import TokenVault

/// A vault that does not open must come out of every write path byte for byte as it went in.
@Suite("Failing closed")
struct FailClosedTests {
    /// Every operation that writes, run against `storage`; each must throw and change nothing.
    private func expectEveryWriteRefused(
        _ storage: VaultTokenStorage, vault: String, sourceLocation: SourceLocation = #_sourceLocation,
        matching expected: (VaultError) -> Bool
    ) throws {
        let before = try #require(contents(of: vault))
        let inodeBefore = inode(of: vault)
        let operations: [(String, () throws -> Void)] = [
            ("writeTokens", { try storage.writeTokens(sampleTokens("overwrite")) }),
            ("update", { try storage.update { $0["x.org"] = tokenSet("x.org", "u") } }),
            ("updateAllNamespaces", { try storage.updateAllNamespaces { $0 = [:] } }),
            ("clearTokens", { try storage.clearTokens() }),
            ("destroyVault", { try storage.destroyVault() }),
            ("rekey", { try storage.rekey(to: .passphrase(try passphrase("new"), kdf: cheapKDF)) }),
            ("readTokens", { _ = try storage.readTokens() }),
        ]
        for (name, operation) in operations {
            do {
                try operation()
                Issue.record("\(name) did not throw", sourceLocation: sourceLocation)
            } catch let error as VaultError {
                #expect(expected(error), "\(name): \(error)", sourceLocation: sourceLocation)
            }
            #expect(contents(of: vault) == before, "\(name) changed the vault", sourceLocation: sourceLocation)
            #expect(inode(of: vault) == inodeBefore, "\(name) replaced the vault", sourceLocation: sourceLocation)
        }
    }

    @Test("a wrong keyfile is reported as such and never overwrites the vault")
    func wrongKeyfile() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("precious"))
        let wrong = VaultTokenStorage(path: place.vault, key: .keyfile(path: try place.otherKeyfile()))
        try expectEveryWriteRefused(wrong, vault: place.vault) { $0 == .wrongKey(path: place.vault) }
        #expect(try place.storage().readTokens() == sampleTokens("precious"))
    }

    @Test("a mistyped passphrase is reported as such and never overwrites the vault")
    func wrongPassphrase() throws {
        let place = try VaultPlace()
        let right = VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("right"), kdf: cheapKDF))
        try right.writeTokens(sampleTokens("precious"))
        let wrong = VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("wrong"), kdf: cheapKDF))
        try expectEveryWriteRefused(wrong, vault: place.vault) { $0 == .wrongKey(path: place.vault) }
        #expect(try right.readTokens() == sampleTokens("precious"))
    }

    @Test("a keyfile given for a passphrase vault is a distinct error")
    func keyKindMismatch() throws {
        let place = try VaultPlace()
        try VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("p"), kdf: cheapKDF))
            .writeTokens(sampleTokens("p"))
        try expectEveryWriteRefused(place.storage(), vault: place.vault) {
            if case .keyKindMismatch(path: place.vault, _) = $0 { return true }
            return false
        }
    }

    @Test("a damaged vault is never replaced")
    func damagedVault() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("precious"))
        var bytes = try #require(contents(of: place.vault))
        bytes[bytes.count - 3] ^= 0x40
        try writeFile(place.vault, bytes)
        try expectEveryWriteRefused(place.storage(), vault: place.vault) {
            if case .damaged(path: place.vault, _) = $0 { return true }
            return false
        }
    }

    @Test("a file that is not a vault is never replaced", arguments: [
        Array("{\"auth.globus.org\": {}}".utf8), [UInt8](repeating: 0, count: 100), [],
    ])
    func notAVault(bytes: [UInt8]) throws {
        let place = try VaultPlace()
        try writeFile(place.vault, bytes)
        try expectEveryWriteRefused(place.storage(), vault: place.vault) { error in
            switch error {
            case .notAVault(path: place.vault), .damaged(path: place.vault, _): return true
            default: return false
            }
        }
    }

    @Test("a missing keyfile is its own error, and nothing is created")
    func missingKeyfile() throws {
        let place = try VaultPlace()
        let absent = place.directory.file("absent.key")
        let storage = VaultTokenStorage(path: place.vault, key: .keyfile(path: absent))
        #expect(throws: VaultError.missingKeyfile(path: absent)) { try storage.writeTokens(sampleTokens("x")) }
        #expect(throws: VaultError.missingKeyfile(path: absent)) { try VaultTokenStorage.create(path: place.vault, key: .keyfile(path: absent)) }
        #expect(!exists(place.vault))
    }

    @Test("a keyfile that is not in the keyfile format is refused", arguments: [
        Array("not a key\n".utf8), [], [UInt8](repeating: 0x41, count: 5000),
    ])
    func invalidKeyfile(bytes: [UInt8]) throws {
        let place = try VaultPlace()
        let path = place.directory.file("bad.key")
        try writeFile(path, bytes)
        let storage = VaultTokenStorage(path: place.vault, key: .keyfile(path: path))
        #expect {
            try storage.writeTokens(sampleTokens("x"))
        } throws: { error in
            if case VaultError.invalidKeyfile(path: path, _) = error { return true }
            return false
        }
        #expect(!exists(place.vault))
    }

    @Test("a keyfile is never overwritten by keygen")
    func keygenRefusesExisting() throws {
        let place = try VaultPlace()
        let before = contents(of: place.keyfile)
        #expect(throws: VaultError.alreadyExists(path: place.keyfile)) { try Keyfile.generate(at: place.keyfile) }
        #expect(contents(of: place.keyfile) == before)
        #expect(mode(of: place.keyfile) == 0o600)
        let second = try place.otherKeyfile()
        #expect(contents(of: second) != before)
    }
}

@Suite("Refusing to seal what cannot be read back")
struct WriteValidationTests {
    @Test("a token set that reading would reject is refused before anything is written")
    func invalidSetRefused() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("good"))
        let before = contents(of: place.vault)
        var badType = sampleTokens("bad")
        badType["auth.globus.org"]?.tokenType = "MAC"
        var misfiled = sampleTokens("bad")
        misfiled["elsewhere.example.org"] = tokenSet("auth.globus.org", "misfiled")
        for bad in [badType, misfiled] {
            #expect {
                try place.storage().writeTokens(bad)
            } throws: { error in
                guard case VaultError.invalidTokenData(path: place.vault, let reason) = error else { return false }
                return !reason.contains("AT-bad") && reason.contains("token set for")
            }
            #expect(throws: VaultError.self) { try place.storage(namespace: "other").update { $0 = bad } }
        }
        #expect(contents(of: place.vault) == before)
        #expect(try place.storage().readTokens() == sampleTokens("good"))
    }

    @Test("inspect describes a vault without a key, and says plainly what is not one")
    func inspectWithoutKey() throws {
        let place = try VaultPlace()
        #expect(throws: VaultError.missingVault(path: place.vault)) { try VaultTokenStorage.inspect(path: place.vault) }
        #expect(throws: VaultError.notAVault(path: place.directory.path)) { try VaultTokenStorage.inspect(path: place.directory.path) }
        #expect(mkfifo(place.vault, 0o600) == 0)
        #expect(throws: VaultError.notAVault(path: place.vault)) { try VaultTokenStorage.inspect(path: place.vault) }
        #expect(throws: VaultError.notAVault(path: place.vault)) { try place.storage().readTokens() }
        #expect(unlink(place.vault) == 0)
        try VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("i"), kdf: cheapKDF)).writeTokens([:])
        try setMode(place.vault, 0o666)
        #expect(try VaultTokenStorage.inspect(path: place.vault).keyDerivation == .argon2id(opsLimit: 1, memLimitBytes: 8 << 20))
    }
}
