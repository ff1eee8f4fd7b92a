internal import VaultCrypto

/// The text of a keyfile: one line, `frl-vault-key-v1:` then the key as 64 lowercase hex
/// digits, then a newline. Text (not raw bytes) so it survives copy and paste, a password
/// manager or an editor; the prefix says what the file is and leaves room for other versions.
/// The key only ever exists in secure memory: parsing decodes hex in place with libsodium's
/// constant-time decoder, and encoding writes into `SecureBytes`.
enum KeyfileFormat {
    static let prefix: [UInt8] = Array("frl-vault-key-v1:".utf8)
    static let hexDigitCount = SymmetricKey.byteCount * 2
    /// The exact size `encode` writes.
    static let byteCount = prefix.count + hexDigitCount + 1

    /// Reads the key from a keyfile's bytes. Accepted: the prefix, 64 hex digits of either
    /// case, and an optional final "\\n" (or "\\r\\n"). Errors name the problem, never a byte of
    /// the key.
    static func parse(_ text: UnsafeRawBufferPointer, path: String) throws(VaultError) -> SymmetricKey {
        guard text.count >= prefix.count, prefix.elementsEqual(text.prefix(prefix.count)) else {
            throw .invalidKeyfile(path: path, reason: "it does not start with \"frl-vault-key-v1:\"")
        }
        var end = text.count
        if end > 0, text[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > 0, text[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let digits = UnsafeRawBufferPointer(rebasing: text[prefix.count..<max(prefix.count, end)])
        guard digits.count == hexDigitCount else {
            throw .invalidKeyfile(
                path: path, reason: "expected \(hexDigitCount) hexadecimal digits after the prefix, found \(digits.count) bytes")
        }
        do {
            return try SymmetricKey(try SecureBytes(hexDecoding: digits, byteCount: SymmetricKey.byteCount))
        } catch .invalidHex {
            throw .invalidKeyfile(path: path, reason: "the key is not hexadecimal")
        } catch {
            throw VaultError(error, path: path)
        }
    }

    /// The keyfile text for `key`, in secure memory, ready to be written with mode 0600.
    static func encode(_ key: SymmetricKey) throws(CryptoError) -> SecureBytes {
        let hex = try key.hexEncoded()
        let text = try SecureBytes(count: byteCount)
        text.withUnsafeMutableBytes { out in
            out.copyBytes(from: prefix)
            hex.withUnsafeBytes { digits in
                UnsafeMutableRawBufferPointer(rebasing: out[prefix.count..<(prefix.count + hexDigitCount)]).copyMemory(from: digits)
            }
            out[byteCount - 1] = UInt8(ascii: "\n")
        }
        return text
    }
}
