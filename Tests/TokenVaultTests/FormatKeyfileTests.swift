@testable import TokenVault
import Testing
import VaultCrypto

@Suite("Keyfile text format")
struct FormatKeyfileTests {
    let path = "/tmp/test.key"

    private func parse(_ text: String) throws(VaultError) -> SymmetricKey {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer in
            Result { () throws(VaultError) in try KeyfileFormat.parse(buffer, path: path) }
        }.get()
    }

    private let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    @Test("encode writes one documented line that parses back to the key")
    func roundTrip() throws {
        let key = try SymmetricKey.random()
        let text = try KeyfileFormat.encode(key)
        let parsed = try text.withUnsafeBytes { try KeyfileFormat.parse($0, path: path) }
        #expect(parsed == key)
        #expect(text.count == KeyfileFormat.byteCount)
        let line = text.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        #expect(line.hasPrefix("frl-vault-key-v1:") && line.hasSuffix("\n"))
        #expect(line.dropFirst(17).dropLast().allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test("the fixed example key decodes to its bytes; case and line endings are forgiven")
    func knownKey() throws {
        let expected = try Array(0..<32).map(UInt8.init).withUnsafeBytes { try SymmetricKey(copying: $0) }
        for text in ["frl-vault-key-v1:\(hex)\n", "frl-vault-key-v1:\(hex)", "frl-vault-key-v1:\(hex.uppercased())\r\n"] {
            #expect(try parse(text) == expected)
        }
    }

    @Test(
        "malformed keyfiles are refused with a reason and without key bytes",
        arguments: [
            ("", "it does not start with \"frl-vault-key-v1:\""),
            ("frl-vault-key-v2:000102", "it does not start with \"frl-vault-key-v1:\""),
            ("frl-vault-key-v1:0001", "expected 64 hexadecimal digits after the prefix, found 4 bytes"),
            ("frl-vault-key-v1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00\n",
             "expected 64 hexadecimal digits after the prefix, found 66 bytes"),
            ("frl-vault-key-v1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n", "the key is not hexadecimal"),
            ("frl-vault-key-v1: 00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", "the key is not hexadecimal"),
            ("frl-vault-key-v1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n\n",
             "expected 64 hexadecimal digits after the prefix, found 65 bytes"),
        ])
    func malformed(text: String, reason: String) {
        #expect(throws: VaultError.invalidKeyfile(path: path, reason: reason)) { try parse(text) }
    }
}
