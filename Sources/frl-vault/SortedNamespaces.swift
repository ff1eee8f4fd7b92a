internal import Tokens
internal import TokenVault

/// One namespace's token sets, in code point order of their resource servers, for the
/// reports that list them (`show`, `status`, `export`).
struct SortedNamespace {
    let name: String
    let tokenSets: [TokenSet]
}

extension VaultTokenStorage {
    /// Every namespace (or only `only`), in code point order; `missingVault` when there is none.
    func sortedNamespaces(only: String? = nil) throws -> [SortedNamespace] {
        let namespaces = try readAllNamespaces()
        return namespaces.keys.sorted(by: CodePointOrder.precedes).compactMap { name in
            guard only == nil || only == name, let map = namespaces[name] else { return nil }
            return SortedNamespace(name: name, tokenSets: CodePointOrder.indices(of: map).map { map.values[$0] })
        }
    }
}
