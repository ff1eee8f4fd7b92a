internal import CSodium

/// ISO/IEC 7816-4 padding, as libsodium's `sodium_pad` writes it: one 0x80 byte, then zeros to
/// the end of the buffer. The buffer's whole length is the "block", so readers need not know
/// the block size a writer chose.
///
/// Done here rather than with `sodium_pad` / `sodium_unpad`, which produce the same bytes
/// (the tests check that) but run in time proportional to the block size, constant-time: with
/// the whole plaintext as the block that was 12 ms of a 37 ms read of a 10,000-token-set vault.
/// The constant time buys nothing here: the content length they would hide is revealed anyway
/// by the time the JSON takes to parse, and only to someone timing the process that holds the
/// key. These functions touch only the padding, never the content.
public enum Padding {
    /// A new secure buffer of exactly `paddedCount` bytes holding `content` then its padding;
    /// `paddedCount` must leave room for at least the 0x80 byte.
    public static func pad(_ content: UnsafeRawBufferPointer, toCount paddedCount: Int) throws(CryptoError) -> SecureBytes {
        guard paddedCount > content.count else {
            throw .invalidLength(of: "padded buffer", expected: "more than \(content.count) bytes", actual: paddedCount)
        }
        let padded = try SecureBytes(count: paddedCount)
        padded.withUnsafeMutableBytes { buffer in
            UnsafeMutableRawBufferPointer(rebasing: buffer[..<content.count]).copyMemory(from: content)
        }
        try pad(padded, contentCount: content.count)
        return padded
    }

    /// Pads in place a secure buffer whose first `contentCount` bytes were written directly:
    /// the rest of the buffer becomes 0x80 then zeros.
    public static func pad(_ buffer: SecureBytes, contentCount: Int) throws(CryptoError) {
        guard contentCount >= 0, buffer.count > contentCount else {
            throw .invalidLength(of: "padded buffer", expected: "more than \(contentCount) bytes", actual: buffer.count)
        }
        buffer.withUnsafeMutableBytes { bytes in
            bytes[contentCount] = 0x80
            SecureMemory.wipe(UnsafeMutableRawBufferPointer(rebasing: bytes[(contentCount + 1)...]))
        }
    }

    /// How many leading bytes of `padded` are content: everything before the last 0x80 that is
    /// followed only by zeros. `invalidPadding` if there is no such byte.
    public static func unpaddedCount(of padded: SecureBytes) throws(CryptoError) -> Int {
        try padded.withUnsafeBytes { (bytes) throws(CryptoError) in try unpaddedCount(of: bytes) }
    }

    /// `unpaddedCount` of a padded plaintext that is a region of a larger secure buffer.
    public static func unpaddedCount(of padded: UnsafeRawBufferPointer) throws(CryptoError) -> Int {
        // The zeros are up to a sixteenth of a large vault: skipped eight at a time. (Not in
        // constant time: the content's length shows in every later step's timing anyway.)
        var end = padded.count
        while end >= 8, padded.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0 { end -= 8 }
        var index = end - 1
        while index >= 0, padded[index] == 0 { index -= 1 }
        guard index >= 0, padded[index] == 0x80 else { throw .invalidPadding }
        return index
    }

    /// libsodium's own functions, for the tests that show the two agree.
    static func sodiumPad(_ buffer: SecureBytes, contentCount: Int) -> Bool {
        buffer.withUnsafeMutableBytes { bytes in
            var resultCount = 0
            let status = sodium_pad(
                &resultCount, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), contentCount, bytes.count, bytes.count)
            return status == 0 && resultCount == bytes.count
        }
    }

    static func sodiumUnpaddedCount(of padded: SecureBytes) -> Int? {
        padded.withUnsafeBytes { bytes in
            var contentCount = 0
            let status = sodium_unpad(
                &contentCount, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count, bytes.count)
            return status == 0 ? contentCount : nil
        }
    }
}
