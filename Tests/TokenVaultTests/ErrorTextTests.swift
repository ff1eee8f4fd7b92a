import Testing
import Tokens
import TokenVault

@Suite("Error text")
struct ErrorTextTests {
    static let path = "/home/someone/.globus/tokens.vault"

    static let everyCase: [VaultError] = [
        .wrongKey(path: path), .keyKindMismatch(path: path, vaultUses: "a passphrase"),
        .damaged(path: path, reason: "ciphertext authentication failed"), .notAVault(path: path),
        .unsupportedVersion(path: path, version: 9), .unsafeKDFParameters(path: path, reason: "opslimit 99"),
        .unsafePermissions(path: path, reason: "the vault is writable by other users (mode 0666)", fix: "chmod go-w \(path)"),
        .lockTimeout(path: path, seconds: 10), .missingKeyfile(path: path), .invalidKeyfile(path: path, reason: "x"),
        .missingVault(path: path), .alreadyExists(path: path), .sameKey(path: path),
        .invalidTokenData(path: path, reason: "x"), .io(path: path, operation: "fsync", errno: 5),
        .permissionDenied(path: path), .rekeyVerificationFailed(path: path), .rekeyedButOldCopyNotWiped(path: path),
    ]

    @Test("every case is one line that names the file", arguments: everyCase)
    func oneLineNamingTheFile(error: VaultError) {
        let text = error.description
        #expect(text.contains(Self.path))
        #expect(!text.contains("\n"))
        #expect(!text.hasSuffix("."))
        #expect(error.path == Self.path)
        #expect(String(describing: error) == text)
    }

    @Test("unsafe permissions end with the command that fixes them")
    func permissionFixIsPasteable() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("p"))
        try setMode(place.keyfile, 0o644)
        do {
            _ = try place.storage().readTokens()
            Issue.record("expected a refusal")
        } catch let error as VaultError {
            #expect(error.description == "\(place.keyfile): the keyfile is readable by the group and other users (mode 0644); run: chmod 600 \(place.keyfile)")
        }
    }

    @Test("no error from a failed operation carries a token, the key or the passphrase")
    func noSecretsInErrors() throws {
        let place = try VaultPlace()
        let tokens = sampleTokens("SECRET-TOKEN-VALUE")
        try VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("SECRET-PASSPHRASE"), kdf: cheapKDF))
            .writeTokens(tokens)
        let keyText = String(decoding: try #require(contents(of: place.keyfile)), as: UTF8.self)
        let hexKey = String(keyText.dropFirst("frl-vault-key-v1:".count).prefix(64))
        var errors: [Error] = []
        for storage in [
            place.storage(),
            VaultTokenStorage(path: place.vault, key: .passphrase(try passphrase("SECRET-WRONG"), kdf: cheapKDF)),
        ] {
            do { try storage.writeTokens(tokens) } catch { errors.append(error) }
            do { _ = try storage.readTokens() } catch { errors.append(error) }
        }
        #expect(errors.count == 4)
        for error in errors {
            let text = String(describing: error) + String(reflecting: error)
            #expect(!text.contains("SECRET"))
            #expect(!text.lowercased().contains(hexKey))
        }
    }
}
