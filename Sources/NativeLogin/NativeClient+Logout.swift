public import Tokens

extension NativeClient {
    /// Revokes every saved access and refresh token at Globus Auth, then clears the storage.
    /// If a revocation fails, nothing is cleared, so the logout can be retried.
    public func logout() throws {
        let storage = try self.storage
        try revokeTokenSet(try storage.readTokens())
        try whileStorageBusy { try storage.clearTokens() }
    }

    /// Revokes the access and refresh tokens of every set in `tokens` (for clients without
    /// storage). Tries them all; throws `AuthFailure.revocationFailed` naming the resource
    /// servers whose tokens may still be live.
    public func revokeTokenSet(_ tokens: TokenMap) throws {
        var failed: [String] = []
        var firstReason: String?
        for (resourceServer, set) in tokens.sorted(by: { $0.key < $1.key }) {
            let secrets = [set.accessToken, set.refreshToken ?? ""].filter { !$0.isEmpty }
            for token in secrets {
                do {
                    try api.revoke(token: token)
                } catch {
                    if failed.last != resourceServer { failed.append(resourceServer) }
                    firstReason = firstReason ?? error.description
                }
            }
        }
        if !failed.isEmpty {
            throw AuthFailure.revocationFailed(resourceServers: failed, reason: firstReason ?? "unknown")
        }
    }
}
