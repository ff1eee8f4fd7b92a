extension TokenSet {
    /// The scope string split on whitespace, as Python's `str.split()` does.
    public var scopes: [String] { Self.scopes(in: scope) }

    /// A scope string split on whitespace, as Python's `str.split()` does (for callers that
    /// hold the string without a whole token set).
    public static func scopes(in scope: String) -> [String] {
        scope.unicodeScalars
            .split(whereSeparator: PythonInt.isPythonSpace)
            .map { String(String.UnicodeScalarView($0)) }
    }
}

extension Dictionary where Key == String, Value == TokenSet {
    /// Every scope of every set, resource servers in sorted order (Python's `get_scopes`).
    public var scopes: [String] {
        keys.sorted().flatMap { self[$0]?.scopes ?? [] }
    }

    /// The requested scopes no set holds (Python's `check_scopes` raises `ScopesMismatch` when
    /// this is not empty).
    public func missingScopes(_ requested: some Sequence<String>) -> Set<String> {
        Set(requested).subtracting(scopes)
    }
}
