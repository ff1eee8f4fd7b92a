package import Tokens

/// One namespace's token sets as `withLentNamespaces` lends them, in code point order of
/// their resource servers.
package struct LentNamespace {
    package let name: String
    package let tokenSets: [TokenSetFields]

    /// Namespaces and their sets in code point order (the order every report lists them in).
    static func sorted(_ namespaces: [String: LentTokenMap]) -> [LentNamespace] {
        namespaces.keys.sorted(by: CodePointOrder.precedes).compactMap { name in
            guard let sets = namespaces[name] else { return nil }
            // Read from a vault, the sets are in order already and this is one pass over them.
            return LentNamespace(name: name, tokenSets: sets.sorted { CodePointOrder.precedes($0.name, $1.name) }.map(\.fields))
        }
    }
}

extension VaultTokenStorage {
    /// Every namespace's token sets read where they lie in the decrypted plaintext, for the
    /// reports that print each set once (`frl-vault status`, `show`, `export`): `body` gets
    /// the plaintext as a `RawSpan`, which cannot outlive the call, and each set's strings as
    /// ranges of it (decoded where stored with escapes), so a thousand sets cost no thousands
    /// of Strings. The same checks and errors as `readAllNamespaces`; `missingVault` when there
    /// is none. The file is read straight into secure memory and decrypted there, and wiped
    /// when `body` returns.
    package func withLentNamespaces<Result>(_ body: (RawSpan, [LentNamespace]) throws -> Result) throws -> Result {
        let vault = try VaultFile.forReading(path)
        // `body`'s own errors are carried out boxed, so that only the read's failures lead to
        // a re-read of a vault replaced while it was read.
        let outcome = try vault?.readConsistently { opened -> Swift.Result<Result, any Error> in
            guard let vault else { throw VaultError.missingVault(path: path) }
            let (file, count) = try vault.readIntoSecureMemory(opened)
            let cached = file.withUnsafeBytes { bytes in cachedDocument(for: UnsafeRawBufferPointer(rebasing: bytes[..<count])) }
            if let cached {
                // Nothing lies in a text: every string is decoded.
                // Put in order by the byte sort first, so that `sorted` finds one run here too.
                let namespaces = LentNamespace.sorted(cached.namespaces.mapValues { map in
                    CodePointOrder.indices(of: map).map { (map.keys[$0], TokenSetFields(decoded: map.values[$0])) }
                })
                return [UInt8]().withUnsafeBytes { none in Swift.Result { try body(RawSpan(_unsafeBytes: none), namespaces) } }
            }
            forgetVerifiedFile()
            let codec = try withCodec { $0 }
            return try codec.withContent(openingInPlace: file, count: count, path: path) { content in
                let namespaces = LentNamespace.sorted(try PlaintextDocument.decodeLent(content, path: path))
                return Swift.Result { try body(RawSpan(_unsafeBytes: content), namespaces) }
            }
        }
        guard let outcome else {
            forgetVerifiedFile()
            throw VaultError.missingVault(path: path)
        }
        return try outcome.get()
    }
}
