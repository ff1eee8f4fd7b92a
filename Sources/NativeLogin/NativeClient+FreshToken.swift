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
        if !saved.expires(within: minValidSeconds, of: NativeClient.now()) { return saved }
        return try whileStorageBusy {
            try storage.update { stored throws -> TokenSet in
                let current = try Self.tokenSet(named: name, in: stored)
                guard current.expires(within: minValidSeconds, of: NativeClient.now()) else { return current }
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

    /// `TokenMap.tokenSet(named:)`, as the errors a caller of `freshTokenSet` gets.
    static func tokenSet(named name: String, in tokens: TokenMap) throws(LoadError) -> TokenSet {
        guard !tokens.isEmpty else { throw .noSavedTokens }
        switch tokens.tokenSet(named: name) {
        case .found(let set): return set
        case .none: throw .unknownResourceServer(name: name, candidates: [])
        case .ambiguous(let candidates): throw .unknownResourceServer(name: name, candidates: candidates)
        }
    }
}
