public import Tokens

extension NativeClient {
    /// The saved token set for `name` (a resource server, or one of the scopes its set holds),
    /// valid for at least `minValidSeconds` more: as saved when it is, else refreshed first.
    /// Never starts a login: for that, `LoadError`.
    ///
    /// The refresh runs inside `tokenStorage.update`, after a fresh read under the vault's lock:
    /// a process that finds the set already refreshed by another one (which held the lock while
    /// it spent the refresh token) uses that set as it is, so two processes never spend one
    /// refresh token twice, rotating or not.
    ///
    /// - Throws: `LoadError.noSavedTokens` (nothing saved), `.unknownResourceServer` (no set for
    ///   `name`), `.tokensExpired` (too close to expiry and no refresh token, or Globus Auth
    ///   rejected it), `AuthFailure` for anything else Globus Auth did.
    public func freshTokenSet(for name: String, minValidSeconds: Int) throws -> TokenSet {
        let storage = try self.storage
        let saved = try Self.tokenSet(named: name, in: try storage.readTokens())
        if !Self.expires(saved, within: minValidSeconds) { return saved }
        return try whileStorageBusy {
            try storage.update { stored throws -> TokenSet in
                let current = try Self.tokenSet(named: name, in: stored)
                guard Self.expires(current, within: minValidSeconds) else { return current }
                let fresh: TokenSet
                do {
                    fresh = try refreshed(current)
                } catch AuthFailure.invalidGrant {
                    throw LoadError.tokensExpired(resourceServers: [current.resourceServer])
                }
                stored[current.resourceServer] = fresh
                return fresh
            }
        }
    }

    /// A resource server's set, else the one set whose scopes include `name`.
    static func tokenSet(named name: String, in tokens: TokenMap) throws(LoadError) -> TokenSet {
        guard !tokens.isEmpty else { throw .noSavedTokens }
        if let set = tokens[name] { return set }
        let holders = tokens.values.filter { $0.scopes.contains(name) }
        guard holders.count == 1, let set = holders.first else {
            throw .unknownResourceServer(name: name, candidates: holders.map(\.resourceServer).sorted())
        }
        return set
    }

    /// Saturating, as `needsRefresh`: an expiry near `Int.max` or a margin near it cannot trap.
    static func expires(_ set: TokenSet, within seconds: Int, now: Int = NativeClient.now()) -> Bool {
        set.expiresAtSeconds <= Seconds.adding(max(seconds, 0), to: now)
    }
}
