internal import Tokens

/// The decrypted contents of a vault: one token map per namespace ("tokens" by default; one
/// vault can hold several clients' maps side by side). Descriptions show names and counts,
/// never a token.
struct VaultDocument: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var namespaces: [String: TokenMap]

    init(namespaces: [String: TokenMap] = [:]) {
        self.namespaces = namespaces
    }

    static let empty = VaultDocument()

    var description: String {
        let summary = namespaces.keys.sorted().map { "\($0): \(namespaces[$0]?.count ?? 0)" }
        return "VaultDocument([\(summary.joined(separator: ", "))] token sets)"
    }

    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["namespaces": namespaces.keys.sorted()]) }
}
