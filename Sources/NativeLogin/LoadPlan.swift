import Tokens

/// Python's `load_tokens` decisions on one reading of the storage, with no I/O: which sets the
/// caller gets, which have expired, and which of those can be refreshed.
struct LoadPlan: Equatable {
    /// The sets for the requested scopes (all sets when none were requested).
    let selected: TokenMap
    /// Expired sets with a refresh token, sorted.
    let refreshable: [String]
    /// Expired sets without one, sorted.
    let unrefreshable: [String]

    var expired: [String] { (refreshable + unrefreshable).sorted() }

    /// - Throws: `noSavedTokens` for an empty map, `scopesMismatch` when a requested scope is in
    ///   no set, `tokensExpired` when scopes were requested and an expired set cannot be
    ///   refreshed.
    init(tokens: TokenMap, requestedScopes: [String]?, now: Int) throws(LoadError) {
        guard !tokens.isEmpty else { throw .noSavedTokens }
        var selected = tokens
        let requested = ScopeList.normalise(requestedScopes ?? [])
        if !requested.isEmpty {
            let wanted = Set(requested)
            selected = tokens.filter { !wanted.isDisjoint(with: $0.value.scopes) }
            let loaded = Set(selected.scopes)
            let missing = requested.filter { !loaded.contains($0) }
            guard missing.isEmpty else { throw .scopesMismatch(missingScopes: missing) }
        }
        let expired = selected.filter { now >= $0.value.expiresAtSeconds }
        let refreshable = expired.filter { !($0.value.refreshToken ?? "").isEmpty }.keys.sorted()
        let unrefreshable = expired.filter { ($0.value.refreshToken ?? "").isEmpty }.keys.sorted()
        if !requested.isEmpty, !unrefreshable.isEmpty {
            throw .tokensExpired(resourceServers: unrefreshable)
        }
        self.selected = selected
        self.refreshable = refreshable
        self.unrefreshable = unrefreshable
    }

    /// What the caller gets once `refreshed` replaced their expired sets: unexpired sets plus
    /// the refreshed ones; expired sets that could not be refreshed are left out.
    func result(with refreshed: TokenMap) throws(LoadError) -> TokenMap {
        var tokens = selected.filter { !expired.contains($0.key) }
        tokens.merge(refreshed) { _, new in new }
        guard !tokens.isEmpty else { throw .tokensExpired(resourceServers: expired) }
        return tokens
    }
}
