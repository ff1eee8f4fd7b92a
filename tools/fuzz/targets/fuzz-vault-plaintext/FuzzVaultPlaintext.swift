@testable import TokenVault
import Tokens
import VaultCrypto

/// The decrypted plaintext, as if the box had opened: the padding check, the strict JSON
/// reader, and the agreement the format needs between the two plaintext readers. Whenever
/// the canonical pass reads an input at all, the general parser must read it to the same
/// token maps; whenever the general parser refuses it, the canonical pass must refuse it too.
func fuzzVaultPlaintext(_ input: UnsafeRawBufferPointer) {
    // As a padded plaintext (the padding rule first, then the document).
    if let padded = try? SecureBytes(copying: input) {
        _ = try? PlaintextDocument.decode(padded, path: "fuzz")
    }
    // As content: both readers.
    let general = Result { () throws(PlaintextParser.Failure) in try PlaintextParser.namespaces(in: input) }
    let lease = PlaintextLease.begin()
    defer { lease.end() }
    if let canonical = CanonicalPlaintext.namespaceViews(in: input, lease: lease) {
        let maps = Dictionary(canonical.map { ($0.name, $0.tokenMap) }, uniquingKeysWith: { _, last in last })
        guard case .success(let expected) = general, expected == maps else {
            fatalError("the canonical pass read what the general parser reads otherwise")
        }
    }
    // What reads must write back and read again to the same maps.
    if case .success(let namespaces) = general {
        let document = VaultDocument(namespaces: namespaces)
        guard let written = try? PlaintextDocument.encode(document, path: "fuzz"),
            let again = try? PlaintextDocument.decode(written, path: "fuzz"), again.namespaces == namespaces
        else {
            fatalError("a plaintext that reads does not write back to the same tokens")
        }
    }
}
