@testable import TokenVault
import VaultCrypto

/// A whole vault file: the header (magic, version, key derivation and its bounds, salt,
/// nonce, commitment), then the box, the padding and the strict plaintext reader, opened with the
/// key the seeds were sealed with (tools/fuzz/seeds/vault-file). Any outcome but an error
/// value is a finding: a crash, a leak, an out-of-bounds access.
private let codec = VaultCodec(keyMaterial: .rawKey(FuzzKey.key))

func fuzzVaultFile(_ input: UnsafeRawBufferPointer) {
    let file = Array(input)
    _ = try? VaultCodec.inspect(file, path: "fuzz")
    _ = try? codec.decode(file, path: "fuzz")
}

/// 32 bytes of 0x42: the key of the seed vaults, nothing secret.
enum FuzzKey {
    static let key: SymmetricKey = {
        do {
            return try [UInt8](repeating: 0x42, count: 32).withUnsafeBytes { try SymmetricKey(copying: $0) }
        } catch {
            fatalError("\(error)")
        }
    }()
}
