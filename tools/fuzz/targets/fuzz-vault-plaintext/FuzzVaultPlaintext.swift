@testable import TokenVault
import Tokens
import VaultCrypto

/// The decrypted plaintext, as if the box had opened: the padding check, then the strict JSON
/// reader, both to TokenSets and lent in place (which must agree). Whatever reads must write
/// back and read again to the same token maps, and each namespace must survive Fair Research
/// Login's JSON form (the same reader in its Python-compatible mode) unchanged.
func fuzzVaultPlaintext(_ input: UnsafeRawBufferPointer) {
    // As a padded plaintext (the padding rule first, then the document).
    if let padded = try? SecureBytes(copying: input) {
        _ = try? PlaintextDocument.decode(padded, path: "fuzz")
    }
    // As content (the JSON without its padding), read both ways: to TokenSets, and lent in
    // place (the reports' read), which must agree on every outcome.
    let parsed = Result { () throws(PlaintextParser.Failure) in try PlaintextParser.namespaces(in: input) }
    let lent = Result { () throws(PlaintextParser.Failure) in try PlaintextParser.lentNamespaces(in: input) }
    switch (parsed, lent) {
    case (.success(let maps), .success(let lentMaps)):
        let reader = JSONReader(input, mode: .strict)
        let lentAsMaps = lentMaps.mapValues { sets in
            Dictionary(sets.map { ($0.name, reader.tokenSet($0.fields, filedUnder: nil)) }, uniquingKeysWith: { first, _ in first })
        }
        guard lentAsMaps == maps, lentMaps.allSatisfy({ $0.value.count == maps[$0.key]?.count }) else {
            fatalError("the lent read holds other tokens than the parsed read")
        }
    case (.failure(let parsedError), .failure(let lentError)):
        guard "\(parsedError)" == "\(lentError)" else { fatalError("the lent read fails otherwise than the parsed read") }
    default:
        fatalError("the lent read and the parsed read disagree")
    }
    guard case .success(let namespaces) = parsed else { return }
    let document = VaultDocument(namespaces: namespaces)
    guard let written = try? PlaintextDocument.encode(document, path: "fuzz"),
        let again = try? PlaintextDocument.decode(written, path: "fuzz"), again.namespaces == namespaces
    else {
        fatalError("a plaintext that reads does not write back to the same tokens")
    }
    for map in namespaces.values {
        guard (try? TokenJSON.decode(TokenJSON.encode(map), path: "fuzz")) == map else {
            fatalError("a namespace that reads does not survive the JSON storage's form")
        }
    }
}
