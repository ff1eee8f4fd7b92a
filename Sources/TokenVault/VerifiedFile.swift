/// A vault file's exact bytes together with the document they decrypted to under one codec
/// (one key), so that an unchanged file need not be decrypted and parsed again. The bytes are
/// ciphertext, which is not secret; the document is what the caller got back anyway.
///
/// Only a full byte comparison counts as "unchanged": sizes, inodes or times could match a
/// file that another process (or an attacker) replaced, and then a write would go through on
/// a vault this key never verified.
struct VerifiedFile: Sendable {
    let bytes: [UInt8]
    let document: VaultDocument
    let codec: VaultCodec

    /// The cached document when `bytes` are exactly the cached bytes and `codec` is the one
    /// that verified them; nil otherwise.
    func document(ifSameAs bytes: [UInt8], codec: VaultCodec) -> VaultDocument? {
        bytes.withUnsafeBytes { document(ifSameAs: $0, codec: codec) }
    }

    func document(ifSameAs bytes: UnsafeRawBufferPointer, codec: VaultCodec) -> VaultDocument? {
        guard codec === self.codec, bytes.count == self.bytes.count else { return nil }
        let same = self.bytes.withUnsafeBytes { old in Self.equal(bytes, old) }
        return same ? document : nil
    }

    /// Eight bytes at a time: a 4 MiB vault compares in well under a millisecond, where the
    /// generic byte-by-byte `elementsEqual` takes several. Not constant-time, and need not
    /// be: both sides are ciphertext. A rewritten vault differs in its nonce, within the
    /// first block, so a changed file is told apart at once.
    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        let words = a.count / 8
        var difference: UInt64 = 0
        var word = 0
        while word < words {
            let blockEnd = min(word + 512, words)
            while word < blockEnd {
                difference |= a.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
                    ^ b.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
                word += 1
            }
            if difference != 0 { return false }
        }
        for index in (words * 8)..<a.count {
            difference |= UInt64(a[index] ^ b[index])
        }
        return difference == 0
    }
}
