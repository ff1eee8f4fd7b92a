internal import CSodium

/// ISO/IEC 7816-4 padding through `sodium_pad` / `sodium_unpad`: one 0x80 byte, then zeros.
/// Unpadding scans the whole buffer in constant time, so readers need not know the block size
/// the writer chose.
public enum Padding {
    /// A new secure buffer of exactly `paddedCount` bytes holding `content` then its padding;
    /// `paddedCount` must leave room for at least the 0x80 byte.
    public static func pad(_ content: UnsafeRawBufferPointer, toCount paddedCount: Int) throws(CryptoError) -> SecureBytes {
        guard paddedCount > content.count else {
            throw .invalidLength(of: "padded buffer", expected: "more than \(content.count) bytes", actual: paddedCount)
        }
        let padded = try SecureBytes(count: paddedCount)
        let result = padded.withUnsafeMutableBytes { buffer -> (Int32, Int) in
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if let contentBase = content.baseAddress, content.count > 0 {
                base.update(from: contentBase.assumingMemoryBound(to: UInt8.self), count: content.count)
            }
            var resultCount = 0
            // Block size = the whole buffer: the padding runs from the content to the end.
            let status = sodium_pad(&resultCount, base, content.count, paddedCount, paddedCount)
            return (status, resultCount)
        }
        guard result.0 == 0, result.1 == paddedCount else { throw .invalidPadding }
        return padded
    }

    /// How many leading bytes of `padded` are content.
    public static func unpaddedCount(of padded: SecureBytes) throws(CryptoError) -> Int {
        guard padded.count > 0 else { throw .invalidPadding }
        let result = padded.withUnsafeBytes { buffer -> (Int32, Int) in
            var contentCount = 0
            let status = sodium_unpad(
                &contentCount, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, buffer.count)
            return (status, contentCount)
        }
        guard result.0 == 0, result.1 < padded.count else { throw .invalidPadding }
        return result.1
    }
}
