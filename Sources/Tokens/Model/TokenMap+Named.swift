/// Which saved set a name means, for `frl-vault token` and `NativeClient.freshTokenSet`: the
/// resource server of that name, else the one set whose scopes include it.
public enum NamedTokenSet: Equatable, Sendable {
    case found(TokenSet)
    /// No set has this resource server or scope.
    case none
    /// Several sets hold this scope (their resource servers, sorted).
    case ambiguous([String])
}

extension Dictionary where Key == String, Value == TokenSet {
    public func tokenSet(named name: String) -> NamedTokenSet {
        if let set = self[name] { return .found(set) }
        let holders = values.filter { $0.scopes.contains(name) }
        if holders.count == 1, let set = holders.first { return .found(set) }
        return holders.isEmpty ? .none : .ambiguous(holders.map(\.resourceServer).sorted())
    }
}

extension TokenSet {
    /// Whether this set expires within `seconds` of `now` (saturating: an expiry or a margin
    /// near the 64-bit limits cannot trap).
    public func expires(within seconds: Int, of now: Int) -> Bool {
        let (limit, overflowed) = now.addingReportingOverflow(Swift.max(seconds, 0))
        return expiresAtSeconds <= (overflowed ? .max : limit)
    }
}
