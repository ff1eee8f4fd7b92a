import Foundation
import Synchronization
public import Tokens

/// Produces the `Authorization` header for calls to a Globus service (globus-sdk's
/// authorizers, which `get_authorizers` returns in Python).
public protocol Authorizer: Sendable, CustomStringConvertible {
    /// "Bearer <access token>", refreshing first where the authorizer can and must.
    func authorizationHeader() throws -> String
    /// Call after the service answered 401: returns true when a new token was obtained and the
    /// request is worth retrying.
    func handleUnauthorized() throws -> Bool
}

/// Sends one access token as it is; it cannot renew it.
public struct AccessTokenAuthorizer: Authorizer, CustomDebugStringConvertible, CustomReflectable {
    public let accessToken: String

    public init(accessToken: String) { self.accessToken = accessToken }

    public func authorizationHeader() throws -> String { "Bearer \(accessToken)" }
    public func handleUnauthorized() throws -> Bool { false }

    public var description: String { "AccessTokenAuthorizer(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// Sends the access token and, when it is within `NativeClient.refreshMarginSeconds` of expiry
/// (or after a 401), refreshes it and saves the new set through the client's storage `update`.
/// Under the storage's lock it first re-reads: if another process already refreshed this
/// resource server, that token is adopted instead of spending the refresh token again.
public final class RefreshTokenAuthorizer: Authorizer, CustomDebugStringConvertible, CustomReflectable {
    public let resourceServer: String
    private let client: NativeClient
    private let tokens: Mutex<TokenSet>

    public init(tokenSet: TokenSet, client: NativeClient) {
        self.resourceServer = tokenSet.resourceServer
        self.client = client
        self.tokens = Mutex(tokenSet)
    }

    /// The current access token (possibly expired; `authorizationHeader` refreshes first).
    public var accessToken: String { tokens.withLock { $0.accessToken } }
    public var expiresAtSeconds: Int { tokens.withLock { $0.expiresAtSeconds } }

    public func authorizationHeader() throws -> String {
        try ensureValidToken()
        return "Bearer \(accessToken)"
    }

    /// Refreshes when the token is expired or about to be.
    public func ensureValidToken() throws {
        try tokens.withLock { set throws in
            if NativeClient.needsRefresh(set) { set = try client.renew(set, replacing: nil) }
        }
    }

    public func handleUnauthorized() throws -> Bool {
        try tokens.withLock { set throws in
            let rejected = set.accessToken
            set = try client.renew(set, replacing: rejected)
            return set.accessToken != rejected
        }
    }

    public var description: String { "RefreshTokenAuthorizer(\(resourceServer), redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["resourceServer": resourceServer]) }
}

extension NativeClient {
    /// Authorizers for the loaded tokens, keyed by resource server: a refreshing one where a set
    /// has a refresh token, otherwise one that sends the access token as it is.
    public func getAuthorizers(requestedScopes: [String]? = nil) throws -> [String: any Authorizer] {
        try loadTokens(requestedScopes: requestedScopes).mapValues(authorizer(for:))
    }

    /// Like `getAuthorizers`, keyed by scope.
    public func getAuthorizersByScope(requestedScopes: [String]? = nil) throws -> [String: any Authorizer] {
        try loadTokensByScope(requestedScopes: requestedScopes).mapValues(authorizer(for:))
    }

    /// The authorizer for one set; the set is not checked for expiry.
    public func authorizer(for set: TokenSet) -> any Authorizer {
        if let refreshToken = set.refreshToken, !refreshToken.isEmpty {
            return RefreshTokenAuthorizer(tokenSet: set, client: self)
        }
        return AccessTokenAuthorizer(accessToken: set.accessToken)
    }

    /// A fresh set for `set`'s resource server. With storage, runs under `update`: a stored set
    /// that is already fresh (and is not the `replacing` token a service just refused) is
    /// adopted; otherwise the stored refresh token (which another process may have rotated) is
    /// spent and the result written back. invalid_grant -> `LoadError.tokensExpired`.
    func renew(_ set: TokenSet, replacing rejected: String?) throws -> TokenSet {
        do {
            guard let tokenStorage else { return try refreshed(set) }
            return try whileStorageBusy {
                try tokenStorage.update { stored throws -> TokenSet in
                    if let current = stored[set.resourceServer], !NativeClient.needsRefresh(current),
                       current.accessToken != rejected {
                        return current
                    }
                    var base = stored[set.resourceServer] ?? set
                    if (base.refreshToken ?? "").isEmpty { base.refreshToken = set.refreshToken }
                    let fresh = try refreshed(base)
                    stored[set.resourceServer] = fresh
                    return fresh
                }
            }
        } catch AuthFailure.invalidGrant {
            throw LoadError.tokensExpired(resourceServers: [set.resourceServer])
        }
    }
}
