internal import Tokens

/// The strings of token sets lent by `VaultTokenStorage.withLentNamespaces`: ranges of the
/// decrypted plaintext this span covers, or decoded where stored with escapes.
extension RawSpan {
    func withUTF8<Result>(_ text: JSONReader.ParsedString, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        switch text {
        case .plain(let range):
            withUnsafeBytes { bytes in body(UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self)) }
        case .decoded(var string):
            string.withUTF8(body)
        }
    }

    func string(_ text: JSONReader.ParsedString) -> String {
        withUTF8(text) { String(decoding: $0, as: UTF8.self) }
    }
}
