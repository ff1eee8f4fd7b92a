internal import CSodium

extension SecureBytes {
    /// Decodes exactly `byteCount` bytes from `text` (2 x byteCount hex digits, either case,
    /// nothing else) straight into secure memory with libsodium's constant-time decoder, so a
    /// keyfile's key never passes through a `String`.
    public convenience init(hexDecoding text: UnsafeRawBufferPointer, byteCount: Int) throws(CryptoError) {
        guard byteCount >= 0, text.count == byteCount * 2 else { throw .invalidHex }
        try self.init(count: byteCount)
        guard byteCount > 0 else { return }
        let decodedCount = withUnsafeMutableBytes { out -> Int? in
            var written = 0
            // No ignore set and no end pointer: libsodium then fails on any non-hex byte.
            let status = sodium_hex2bin(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count,
                text.baseAddress!.assumingMemoryBound(to: CChar.self), text.count,
                nil, &written, nil)
            return status == 0 ? written : nil
        }
        guard decodedCount == byteCount else {
            wipe()
            throw .invalidHex
        }
    }

    /// Lowercase hex of these bytes, itself in secure memory (for writing keyfiles).
    public func hexEncoded() throws(CryptoError) -> SecureBytes {
        // sodium_bin2hex writes a terminating NUL, hence the scratch buffer one byte longer.
        let scratch = try SecureBytes(count: count * 2 + 1)
        withUnsafeBytes { input in
            scratch.withUnsafeMutableBytes { out in
                _ = sodium_bin2hex(
                    out.baseAddress!.assumingMemoryBound(to: CChar.self), out.count,
                    input.baseAddress!.assumingMemoryBound(to: UInt8.self), input.count)
            }
        }
        return try SecureBytes(prefix: count * 2, of: scratch)
    }
}
