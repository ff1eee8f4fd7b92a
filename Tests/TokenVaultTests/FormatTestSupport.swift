@testable import TokenVault
import Tokens
import VaultCrypto

/// Shared fixtures for the format tests: cheap Argon2id costs, sample token maps, codecs.
enum FormatFixtures {
    /// libsodium's minimum Argon2id cost: tests exercise the format, not the KDF's strength.
    static let cheapKDF: Argon2idParameters = {
        ToyCosts.acceptForTests()
        do { return try Argon2idParameters(opsLimit: 1, memLimitBytes: 8192) } catch { fatalError("\(error)") }
    }()

    static func passphrase(_ text: String) throws -> Passphrase {
        try Array(text.utf8).withUnsafeBytes { try Passphrase(copying: $0) }
    }

    static func key(repeating byte: UInt8) throws -> SymmetricKey {
        try [UInt8](repeating: byte, count: 32).withUnsafeBytes { try SymmetricKey(copying: $0) }
    }

    static func tokenSet(_ resourceServer: String, index: Int = 0) -> TokenSet {
        TokenSet(
            scope: "urn:globus:auth:scope:\(resourceServer):all",
            accessToken: "AT-\(resourceServer)-\(index)-secret",
            refreshToken: index.isMultiple(of: 2) ? "RT-\(resourceServer)-\(index)-secret" : nil,
            expiresAtSeconds: 1_700_000_000 + index,
            resourceServer: resourceServer)
    }

    static func tokenMap(count: Int, prefix: String = "rs") -> TokenMap {
        var map = TokenMap()
        for index in 0..<count {
            let server = "\(prefix)\(index).example.org"
            map[server] = tokenSet(server, index: index)
        }
        return map
    }

    static let sampleDocument = VaultDocument(namespaces: [
        "tokens": ["auth.globus.org": tokenSet("auth.globus.org"), "transfer.api.globus.org": tokenSet("transfer.api.globus.org", index: 1)],
        "other-client": ["groups.api.globus.org": tokenSet("groups.api.globus.org", index: 2)],
    ])

    static func keyfileCodec(_ byte: UInt8 = 0x42) throws -> VaultCodec {
        VaultCodec(keyMaterial: .rawKey(try key(repeating: byte)))
    }

    static func passphraseCodec(_ text: String = "correct horse battery staple") throws -> VaultCodec {
        VaultCodec(keyMaterial: .passphrase(try passphrase(text), cheapKDF))
    }
}

/// Byte surgery on vault files, as an attacker or a failing disk would do it.
enum VaultSurgery {
    /// Recomputes the header checksum so a deliberate edit is not caught as accidental damage.
    static func fixingChecksum(_ file: [UInt8]) throws -> [UInt8] {
        var edited = file
        let checksum = try BLAKE2b.hash(Array(file[..<VaultFormat.Offset.checksum]), outputByteCount: 16)
        edited.replaceSubrange(VaultFormat.Offset.checksum..<VaultFormat.Offset.sealedBox, with: checksum)
        return edited
    }

    static func writing(_ value: UInt64, at offset: Int, in file: [UInt8]) -> [UInt8] {
        var edited = file
        for index in 0..<8 {
            edited[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index))
        }
        return edited
    }
}

/// The error a decode threw, or nil when it succeeded.
func decodeError(_ codec: VaultCodec, _ file: [UInt8], path: String = "/tmp/test.vault") -> VaultError? {
    do {
        _ = try codec.decode(file, path: path)
        return nil
    } catch {
        return error
    }
}
