// TEMPORARY: stands in for the crypto helper's VaultCodec, KeyfileFormat and SymmetricKey until
// branch `crypto` lands; deleted in the merge. NOT encryption.
internal import FoundationEssentials
public import Tokens
public import VaultCrypto

public final class SymmetricKey: Sendable, Equatable {
    let storage: SecureBytes
    public init(_ bytes: SecureBytes) { storage = bytes }
    public static func random() throws(CryptoError) -> SymmetricKey {
        let bytes = try SecureBytes(count: 32)
        var generator = SystemRandomNumberGenerator()
        bytes.withUnsafeMutableBytes { raw in for i in 0..<32 { raw[i] = generator.next() } }
        return SymmetricKey(bytes)
    }
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try storage.withUnsafeBytes(body)
    }
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool { lhs.storage.constantTimeEquals(rhs.storage) }
}

public enum KeyMaterial: Sendable {
    case rawKey(SymmetricKey)
    case passphrase(Passphrase, Argon2idParameters)
}

public struct VaultDocument: Sendable, Equatable {
    public var namespaces: [String: TokenMap]
    public init(namespaces: [String: TokenMap]) { self.namespaces = namespaces }
}

public enum KeyfileFormat {
    public static func parse(_ text: UnsafeRawBufferPointer, path: String) throws(VaultError) -> SymmetricKey {
        let prefix = Array("frl-vault-key-v1:".utf8)
        guard text.count >= prefix.count + 64, Array(text[0..<prefix.count]) == prefix else {
            throw .invalidKeyfile(path: path, reason: "missing header")
        }
        guard let bytes = try? SecureBytes(count: 32) else { throw .invalidKeyfile(path: path, reason: "memory") }
        var ok = true
        bytes.withUnsafeMutableBytes { raw in
            for i in 0..<32 {
                let hi = hex(text[prefix.count + 2 * i]), lo = hex(text[prefix.count + 2 * i + 1])
                if hi < 0 || lo < 0 { ok = false }
                raw[i] = UInt8(truncatingIfNeeded: hi << 4 | lo)
            }
        }
        guard ok else { throw .invalidKeyfile(path: path, reason: "not hex") }
        return SymmetricKey(bytes)
    }
    private static func hex(_ c: UInt8) -> Int {
        switch c { case 48...57: Int(c) - 48; case 97...102: Int(c) - 87; default: -1 }
    }
    public static func render(_ key: SymmetricKey) throws(CryptoError) -> SecureBytes {
        let prefix = Array("frl-vault-key-v1:".utf8)
        let out = try SecureBytes(count: prefix.count + 65)
        let digits = Array("0123456789abcdef".utf8)
        out.withUnsafeMutableBytes { raw in
            for (i, b) in prefix.enumerated() { raw[i] = b }
            key.withUnsafeBytes { k in
                for i in 0..<32 {
                    raw[prefix.count + 2 * i] = digits[Int(k[i] >> 4)]
                    raw[prefix.count + 2 * i + 1] = digits[Int(k[i] & 15)]
                }
            }
            raw[prefix.count + 64] = 10
        }
        return out
    }
}

public final class VaultCodec: @unchecked Sendable {
    let material: KeyMaterial
    public init(keyMaterial: KeyMaterial) { material = keyMaterial }

    private var keyBytes: [UInt8] {
        switch material {
        case .rawKey(let key): return key.withUnsafeBytes { Array($0) }
        case .passphrase(let p, _): return p.bytes.withUnsafeBytes { Array($0) } + [1]
        }
    }
    private var kind: UInt8 { if case .rawKey = material { 0 } else { 1 } }
    private var fingerprint: [UInt8] {
        var h: UInt64 = 0xcbf29ce484222325
        for b in keyBytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return (0..<8).map { UInt8(truncatingIfNeeded: h >> (8 * $0)) }
    }
    private func stream(_ data: [UInt8], nonce: [UInt8]) -> [UInt8] {
        let k = keyBytes + nonce
        return data.enumerated().map { $0.element ^ k[$0.offset % k.count] ^ UInt8(truncatingIfNeeded: $0.offset &* 131) }
    }

    public func decode(_ file: [UInt8], path: String) throws(VaultError) -> VaultDocument {
        guard file.count >= 21, Array(file[0..<4]) == Array("SHIM".utf8) else { throw .notAVault(path: path) }
        if file[4] != kind { throw .keyKindMismatch(path: path, vaultUses: file[4] == 0 ? "keyfile" : "passphrase") }
        guard Array(file[5..<13]) == fingerprint else { throw .wrongKey(path: path) }
        let plain = stream(Array(file[21...]), nonce: Array(file[13..<21]))
        guard let doc = try? JSONDecoder().decode([String: TokenMap].self, from: Data(plain)) else {
            throw .damaged(path: path, reason: "shim")
        }
        return VaultDocument(namespaces: doc)
    }

    public func encode(_ doc: VaultDocument, path: String) throws(VaultError) -> [UInt8] {
        guard let json = try? JSONEncoder().encode(doc.namespaces) else { throw .damaged(path: path, reason: "encode") }
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Array("SHIM".utf8) + [kind] + fingerprint + nonce + stream(Array(json), nonce: nonce)
    }

    public static func inspect(_ file: [UInt8], path: String) throws(VaultError) -> VaultInfo {
        guard file.count >= 21, Array(file[0..<4]) == Array("SHIM".utf8) else { throw .notAVault(path: path) }
        return VaultInfo(formatVersion: 0, keyDerivation: file[4] == 0 ? .keyfile : .argon2id(opsLimit: 1, memLimitBytes: 8192), fileSize: file.count)
    }
}
