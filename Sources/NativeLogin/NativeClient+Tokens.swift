public import Tokens

extension NativeClient {
    /// Saved tokens keyed by resource server, with Python's `load_tokens` semantics: nothing
    /// saved -> `LoadError.noSavedTokens`; with `requestedScopes`, only the sets holding them, and
    /// a missing scope -> `scopesMismatch`; expired sets are refreshed where they have a refresh
    /// token (and saved), otherwise `tokensExpired` names their resource servers. Without
    /// requested scopes, expired sets that cannot be refreshed are left out, and only when
    /// nothing remains is `tokensExpired` thrown.
    ///
    /// The refresh runs inside `tokenStorage.update` after a fresh read, so a set another process
    /// refreshed meanwhile is used as it is rather than refreshed again.
    public func loadTokens(requestedScopes: [String]? = nil) throws -> TokenMap {
        let storage = try self.storage
        let plan = try LoadPlan(tokens: try storage.readTokens(), requestedScopes: requestedScopes, now: NativeClient.now())
        if plan.expired.isEmpty { return plan.selected }

        let outcome = try whileStorageBusy {
            try storage.update { stored throws -> RefreshOutcome in
                let current = try LoadPlan(tokens: stored, requestedScopes: requestedScopes, now: NativeClient.now())
                var outcome = RefreshOutcome(plan: current)
                for resourceServer in current.refreshable {
                    guard let set = stored[resourceServer] else { continue }
                    do {
                        let fresh = try refreshed(set)
                        stored[resourceServer] = fresh
                        outcome.refreshed[resourceServer] = fresh
                    } catch AuthFailure.invalidGrant {
                        outcome.rejected.append(resourceServer)
                    } catch {
                        // Stop at the first other failure, but keep what was already refreshed: a
                        // rotated refresh token that is not written back would be lost.
                        outcome.failure = error
                        break
                    }
                }
                return outcome
            }
        }
        if let failure = outcome.failure { throw failure }
        if !outcome.rejected.isEmpty { throw LoadError.tokensExpired(resourceServers: outcome.rejected) }
        return try outcome.plan.result(with: outcome.refreshed)
    }

    /// Like `loadTokens`, keyed by scope: a set holding several scopes appears under each.
    public func loadTokensByScope(requestedScopes: [String]? = nil) throws -> [String: TokenSet] {
        NativeClient.byScope(try loadTokens(requestedScopes: requestedScopes))
    }

    /// Merges `tokens` into what is stored (a set replaces the stored set of its resource
    /// server; others stay), after checking every set. Throws `LoadError.tokenStorageDisabled`
    /// without storage and `InvalidTokenFormat` for a malformed set, writing nothing.
    public func saveTokens(_ tokens: TokenMap) throws {
        let storage = try self.storage
        try TokenCheck.validate(tokens)
        try whileStorageBusy {
            try storage.update { stored in
                stored.merge(tokens) { _, new in new }
            }
        }
    }

    /// Refreshes the sets in `tokens` that are expired or within `refreshMarginSeconds` of
    /// expiry and returns the map with new access tokens; saves nothing (as in Python).
    /// A set without a refresh token, or one Globus Auth rejects, -> `tokensExpired`.
    public func refreshTokens(_ tokens: TokenMap) throws -> TokenMap {
        let missing = tokens.filter { ($0.value.refreshToken ?? "").isEmpty }.keys.sorted()
        guard missing.isEmpty else { throw LoadError.tokensExpired(resourceServers: missing) }
        var result = tokens
        for (resourceServer, set) in tokens.sorted(by: { $0.key < $1.key }) where NativeClient.needsRefresh(set) {
            do {
                result[resourceServer] = try refreshed(set)
            } catch AuthFailure.invalidGrant {
                throw LoadError.tokensExpired(resourceServers: [resourceServer])
            }
        }
        return result
    }

    /// One refresh grant for `set`; the answer's access token and expiry replace the old ones,
    /// and its refresh token too when Globus Auth rotates them.
    func refreshed(_ set: TokenSet) throws -> TokenSet {
        guard let refreshToken = set.refreshToken, !refreshToken.isEmpty else {
            throw LoadError.tokensExpired(resourceServers: [set.resourceServer])
        }
        let answer = try api.refresh(refreshToken: refreshToken)
        guard let fresh = answer[set.resourceServer] ?? (answer.count == 1 ? answer.first?.value : nil) else {
            throw AuthFailure.invalidResponse(endpoint: GlobusAuthAPI.tokenPath, reason: "no token for \(set.resourceServer)")
        }
        var updated = set
        updated.accessToken = fresh.accessToken
        updated.expiresAtSeconds = fresh.expiresAtSeconds
        if let rotated = fresh.refreshToken, !rotated.isEmpty { updated.refreshToken = rotated }
        if !fresh.scope.isEmpty { updated.scope = fresh.scope }
        return updated
    }

    /// Expires within the refresh margin (`TokenSet.expires(within:of:)`, which saturates: any
    /// 64-bit expiry passes validation, and `expiresAtSeconds - margin` would trap near `Int.min`).
    static func needsRefresh(_ set: TokenSet, now: Int = NativeClient.now()) -> Bool {
        set.expires(within: refreshMarginSeconds, of: now)
    }

    static func byScope(_ tokens: TokenMap) -> [String: TokenSet] {
        var result: [String: TokenSet] = [:]
        for set in tokens.values.sorted(by: { $0.resourceServer < $1.resourceServer }) {
            for scope in set.scopes { result[scope] = set }
        }
        return result
    }
}

/// What the locked refresh in `loadTokens` did, carried out of `update`.
private struct RefreshOutcome {
    let plan: LoadPlan
    var refreshed: TokenMap = [:]
    var rejected: [String] = []
    var failure: (any Error)?
}
