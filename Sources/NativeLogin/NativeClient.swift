public import Foundation
public import Tokens

/// Logs a native app in to Globus Auth and keeps its tokens in any `TokenStorage`: the Swift
/// form of Fair Research Login's `NativeClient`. Swapping the JSON file for the vault changes the
/// `tokenStorage:` argument and nothing else.
///
/// Every call blocks the calling thread (network, file locks, and in `login` the user). A refresh
/// runs inside the storage's `update`, so with the vault the read, the refresh and the write
/// happen under the vault's lock after a fresh read: two processes sharing a vault never spend
/// the same refresh token twice and never drop each other's tokens.
public final class NativeClient: Sendable {
    public let clientID: String
    /// Shown on the consent page's grant label and on the local server's page.
    public let appName: String
    /// `nil`: nothing is loaded or saved (Python's `token_storage=None`).
    public let tokenStorage: (any TokenStorage)?
    /// Tried in order by `login`.
    public let codeHandlers: [any CodeHandler]
    /// Asked for when `login` is given no scopes.
    public let defaultScopes: [String]
    public let authBaseURL: AuthBaseURL
    /// How long a load, save, refresh or logout keeps trying while another process holds the
    /// vault's lock (each try waits the vault's own `lockTimeoutSeconds`).
    public let busyStorageWaitSeconds: Double
    let environment: [String: String]
    let api: GlobusAuthAPI

    /// globus-sdk's default request for a native app.
    public static let defaultRequestedScopes = [
        "openid", "profile", "email", "urn:globus:auth:scope:transfer.api.globus.org:all",
    ]
    /// Python's default app name.
    public static let defaultAppName = "My App"
    /// Longer than another process can hold the vault's lock while it refreshes four resource
    /// servers' tokens with the default 30-second request timeout.
    public static let defaultBusyStorageWaitSeconds = 150.0
    /// Tokens this close to expiry are refreshed before use (globus-sdk's margin).
    public static let refreshMarginSeconds = 60

    /// - Parameters:
    ///   - tokenStorage: where tokens live; `nil` disables loading and saving.
    ///   - authBaseURL: Globus Auth's base URL; when `nil`, `GLOBUS_SDK_SERVICE_URL_AUTH` from
    ///     `environment`, else https://auth.globus.org.
    ///   - environment: read for the base URL and for SSH detection (tests inject one).
    ///   - requestTimeoutSeconds: per Globus Auth request.
    ///   - busyStorageWaitSeconds: how long to keep trying while another process holds the
    ///     vault's lock (a refresh holds it during its HTTP call); then the vault's `lockTimeout`
    ///     is thrown.
    public init(
        clientID: String,
        appName: String = NativeClient.defaultAppName,
        tokenStorage: (any TokenStorage)?,
        codeHandlers: [any CodeHandler] = [LocalServerCodeHandler(), InputCodeHandler()],
        defaultScopes: [String] = NativeClient.defaultRequestedScopes,
        authBaseURL: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeoutSeconds: Double = 30,
        busyStorageWaitSeconds: Double = NativeClient.defaultBusyStorageWaitSeconds
    ) throws(LoginUsageError) {
        guard !clientID.isEmpty else { throw .emptyClientID }
        self.clientID = clientID
        self.appName = appName.isEmpty ? NativeClient.defaultAppName : appName
        self.tokenStorage = tokenStorage
        self.codeHandlers = codeHandlers
        self.defaultScopes = defaultScopes
        self.environment = environment
        self.authBaseURL = try AuthBaseURL.resolve(explicit: authBaseURL, environment: environment)
        self.busyStorageWaitSeconds = busyStorageWaitSeconds
        self.api = GlobusAuthAPI(http: AuthHTTPClient(base: self.authBaseURL, timeoutSeconds: requestTimeoutSeconds), clientID: clientID)
    }

    /// A client with Python's default storage: `MultiClientTokenStorage`, the section named by
    /// `clientID` in `~/.globus-native-apps.cfg`.
    public convenience init(
        clientID: String,
        appName: String = NativeClient.defaultAppName,
        codeHandlers: [any CodeHandler] = [LocalServerCodeHandler(), InputCodeHandler()],
        defaultScopes: [String] = NativeClient.defaultRequestedScopes,
        authBaseURL: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeoutSeconds: Double = 30,
        busyStorageWaitSeconds: Double = NativeClient.defaultBusyStorageWaitSeconds
    ) throws(LoginUsageError) {
        try self.init(
            clientID: clientID, appName: appName, tokenStorage: MultiClientTokenStorage(clientID: clientID),
            codeHandlers: codeHandlers, defaultScopes: defaultScopes, authBaseURL: authBaseURL,
            environment: environment, requestTimeoutSeconds: requestTimeoutSeconds,
            busyStorageWaitSeconds: busyStorageWaitSeconds
        )
    }

    /// Returns saved tokens when they are valid for `requestedScopes` (unless `force`);
    /// otherwise runs the native-app flow (PKCE S256, a random `state` that is checked), saves
    /// what Globus Auth returns and returns it keyed by resource server.
    ///
    /// A code handler that is unavailable is skipped; one that fails or is interrupted passes to
    /// the next, and when none is left the last failure is thrown. Only `LoadError`s from the
    /// first load start a login; other errors (a damaged vault, a network failure while
    /// refreshing) are thrown.
    @discardableResult
    public func login(
        requestedScopes: [String]? = nil,
        refreshTokens: Bool = false,
        force: Bool = false,
        noLocalServer: Bool = false,
        noBrowser: Bool = false,
        prefillNamedGrant: String? = nil,
        queryParams: [String: String] = [:]
    ) throws -> TokenMap {
        if !force {
            do {
                return try loadTokens(requestedScopes: requestedScopes)
            } catch is LoadError {
                // Expected: nothing saved, other scopes, or expired. A login follows.
            }
        }
        let scopes = ScopeList.normalise(requestedScopes ?? defaultScopes)
        guard !scopes.isEmpty else { throw LoginUsageError.noScopes }
        let context = CodeHandlerContext(appName: appName, noBrowser: noBrowser, noLocalServer: noLocalServer, environment: environment)

        var lastFailure: (any Error)?
        for handler in codeHandlers where handler.isAvailable(in: context) {
            // A fresh state and verifier per attempt: a code meant for an abandoned attempt
            // cannot complete this one.
            let request = try AuthorizationRequest(
                authBase: authBaseURL, clientID: clientID, scopes: scopes, refreshTokens: refreshTokens,
                prefillNamedGrant: prefillNamedGrant ?? "\(appName) Login", queryParams: queryParams
            )
            let code: AuthorizationCode
            do {
                code = try handler.obtainCode(for: request, in: context)
            } catch {
                lastFailure = error
                continue
            }
            let tokens = try api.exchange(code, pkce: request.pkce)
            try TokenCheck.validate(tokens)
            do {
                try saveTokens(tokens)
            } catch LoadError.tokenStorageDisabled {
                // Storage is off for this client; the caller keeps the tokens.
            }
            return tokens
        }
        throw lastFailure ?? AuthFailure.noCodeHandlerAvailable
    }

    var storage: any TokenStorage {
        get throws(LoadError) {
            guard let tokenStorage else { throw .tokenStorageDisabled }
            return tokenStorage
        }
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }
}

/// Scopes as Globus Auth takes them: words, in order, without duplicates. An element holding
/// several space-separated scopes (as a Python caller might pass) is split.
enum ScopeList {
    static func normalise(_ scopes: [String]) -> [String] {
        var seen: Set<String> = []
        return scopes.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
            .filter { seen.insert($0).inserted }
    }

}
