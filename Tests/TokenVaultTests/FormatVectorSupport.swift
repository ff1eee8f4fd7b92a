import FoundationEssentials
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// One frozen vault: its file, how to open it, and every intermediate value, so that an
/// independent implementation can check itself step by step (SECURITY.md lists the same).
struct VaultVector: Codable, Sendable, CustomTestStringConvertible {
    var name: String
    var file: String
    /// "keyfile" or "argon2id".
    var keyDerivation: String
    /// The keyfile's text (keyfile vectors).
    var keyfile: String?
    /// The passphrase, whose UTF-8 bytes are the Argon2id password (passphrase vectors).
    var passphrase: String?
    /// Those bytes in hex, so that no reader has to guess an encoding.
    var passphraseHex: String?
    var opsLimit: UInt64
    var memLimitBytes: UInt64
    var salt: String
    var nonce: String
    var masterKey: String
    var boxKey: String
    var commitment: String
    var checksum: String
    /// The exact UTF-8 JSON before padding.
    var plaintext: String
    var paddedLength: Int
    /// Who wrote the file: "swift" vectors are re-sealed byte for byte; others only open.
    var writer: String

    var testDescription: String { name }
}

enum VaultVectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Vectors")
    static let indexName = "vectors.json"

    static func load() throws -> [VaultVector] {
        try JSONDecoder().decode([VaultVector].self, from: Data(contentsOf: directory.appending(path: indexName)))
    }

    static func bytes(of vector: VaultVector) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appending(path: vector.file)))
    }

    /// The document every Swift-written vector holds; hand-written so the test does not
    /// depend on the code under test to say what the vault should contain.
    static let document = VaultDocument(namespaces: [
        "tokens": [
            "auth.globus.org": TokenSet(
                scope: "openid profile email", accessToken: "AQBX8YvVAAAAAAAEfQexampleaccesstoken",
                refreshToken: "AgBXexamplerefreshtoken", expiresAtSeconds: 1_767_225_600, resourceServer: "auth.globus.org"),
            "transfer.api.globus.org": TokenSet(
                scope: "urn:globus:auth:scope:transfer.api.globus.org:all", accessToken: "AgTransferexampleaccesstoken",
                refreshToken: nil, expiresAtSeconds: 1_767_229_200, resourceServer: "transfer.api.globus.org"),
        ],
        "other-client": [
            "groups.api.globus.org": TokenSet(
                scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
                accessToken: "AgGroupsexampleaccesstoken", refreshToken: "AgGroupsexamplerefreshtoken",
                expiresAtSeconds: 1_767_232_800, resourceServer: "groups.api.globus.org"),
        ],
    ])

    /// Above 4 KiB (so the padding rule's step shows), with escapes, controls the writer must
    /// escape and characters it must not (DEL, C1, U+2028), and non-ASCII names.
    static let largeDocument: VaultDocument = {
        var clients: TokenMap = [:]
        for index in 0..<16 {
            let server = "rs\(index < 10 ? "0" : "")\(index).d\u{E1}t\u{E1}.example.org"
            clients[server] = TokenSet(
                scope: "urn:globus:auth:scope:\(server):all \"quoted\" back\\slash tab\there \u{1}\u{1F}\u{7F}\u{85}\u{2028} \u{65E5}\u{672C} \u{1F511}",
                accessToken: "Ag\(index)ExampleAccessToken" + String(repeating: "x", count: 40),
                refreshToken: index.isMultiple(of: 3) ? nil : "Ag\(index)ExampleRefreshToken",
                expiresAtSeconds: index.isMultiple(of: 5) ? Int.min + index : 1_767_225_600 + index, resourceServer: server)
        }
        return VaultDocument(namespaces: [
            "client-\u{E9}": clients,
            "tokens": document.namespaces["tokens"] ?? [:],
            "empty": [:],
        ])
    }()

    /// What the Swift-written vector `name` holds.
    static func document(named name: String) -> VaultDocument {
        name == "v1-keyfile-large" ? largeDocument : document
    }

    static let keyBytes = [UInt8](0..<32)
    static let passphrase = "correct horse battery staple"
    static let salt = [UInt8](0..<16).map { $0 &* 0x11 }
    static let nonce = [UInt8](0..<24).map { 0xA0 &+ $0 }

    static func keyMaterial(for vector: VaultVector) throws -> KeyMaterial {
        if let keyfile = vector.keyfile {
            let key = try Array(keyfile.utf8).withUnsafeBytes { try KeyfileFormat.parse($0, path: vector.file) }
            return .rawKey(key)
        }
        let passphrase = try Array((vector.passphrase ?? "").utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        // Reading takes the costs from the header; these are only what a new vault would use.
        return .passphrase(passphrase, .interactive)
    }
}

extension [UInt8] {
    init(hex: String) throws {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { throw VaultError.invalidKeyfile(path: "hex", reason: "odd length") }
        self = try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw VaultError.invalidKeyfile(path: "hex", reason: "not hex")
            }
            return byte
        }
    }

    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}
