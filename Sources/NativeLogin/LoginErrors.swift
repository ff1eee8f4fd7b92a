public import Tokens

/// Every error NativeLogin throws conforms to this: the Swift form of Fair Research Login's
/// `LoginException`, so `catch let error as any LoginException` catches them all.
///
/// No error carries a token, authorization code, verifier or any other secret, and each
/// `description` is one line that says what went wrong.
public protocol LoginException: Error, Sendable, CustomStringConvertible {}

/// Tokens could not be loaded from storage (Python's `LoadError` and its subclasses).
/// `login()` treats every case as "a new login is needed".
public enum LoadError: LoginException, Equatable {
    /// The client was made with `tokenStorage: nil`, so there is nothing to load or save.
    case tokenStorageDisabled
    /// The storage holds no tokens.
    case noSavedTokens
    /// Some requested scopes are in none of the stored token sets.
    case scopesMismatch(missingScopes: [String])
    /// These resource servers' tokens have expired and could not be refreshed: there was no
    /// refresh token, or Globus Auth rejected it (`invalid_grant`).
    case tokensExpired(resourceServers: [String])
    /// No saved set belongs to this resource server or holds this scope; `candidates` are the
    /// sets that hold the scope when more than one does (the name is ambiguous).
    case unknownResourceServer(name: String, candidates: [String])

    public var description: String {
        switch self {
        case .tokenStorageDisabled:
            return "token storage is disabled for this client; nothing can be loaded or saved"
        case .noSavedTokens:
            return "no saved tokens were found; a login is required"
        case .scopesMismatch(let missing):
            return "requested scopes not found in the saved tokens: \(missing.joined(separator: ", ")); a login is required"
        case .tokensExpired(let servers):
            return "tokens expired and could not be refreshed for: \(servers.joined(separator: ", "))"
        case .unknownResourceServer(let name, let candidates) where candidates.count > 1:
            return "'\(name)' is a scope of several saved token sets (\(candidates.joined(separator: ", "))); name the resource server"
        case .unknownResourceServer(let name, _):
            return "no saved token set for the resource server or scope '\(name)'; a login is required"
        }
    }
}

/// Talking to Globus Auth failed (Python's `AuthFailure`; `LocalServerError` is one of its cases
/// here, as it is a subclass there).
public enum AuthFailure: LoginException, Equatable {
    /// No code handler could run here (for example only the local server was configured and
    /// this is an SSH session).
    case noCodeHandlerAvailable
    /// The only code handler gave no code (an empty line, end of input, or the user
    /// interrupted it).
    case noCodeReceived(handler: String)
    /// The local server code handler failed; the payload says how.
    case localServer(LocalServerError)
    /// Globus Auth rejected the authorization code or refresh token (OAuth `invalid_grant`):
    /// it is wrong, expired, revoked or already used.
    case invalidGrant(endpoint: String)
    /// Globus Auth answered with another OAuth error code.
    case oauthError(endpoint: String, status: Int, error: String)
    /// Globus Auth answered with an HTTP error status and no usable OAuth error.
    case httpStatus(endpoint: String, status: Int)
    /// The answer was not the JSON document the endpoint promises.
    case invalidResponse(endpoint: String, reason: String)
    /// The request did not complete (connection refused, TLS failure, timeout, ...).
    case transport(endpoint: String, reason: String)
    /// Some tokens could not be revoked at logout; storage was left as it was so that logout can
    /// be retried.
    case revocationFailed(resourceServers: [String], reason: String)

    public var description: String {
        switch self {
        case .noCodeHandlerAvailable:
            return "no code handler is available in this session to receive the authorization code"
        case .noCodeReceived(let handler):
            return "failed to get an authorization code from Globus Auth (\(handler) gave none)"
        case .localServer(let error):
            return error.description
        case .invalidGrant(let endpoint):
            return "Globus Auth rejected the grant at \(endpoint) (invalid_grant): the code or refresh token is wrong, expired, revoked or already used"
        case .oauthError(let endpoint, let status, let error):
            return "Globus Auth answered \(endpoint) with HTTP \(status), error \(error)"
        case .httpStatus(let endpoint, let status):
            return "Globus Auth answered \(endpoint) with HTTP \(status)"
        case .invalidResponse(let endpoint, let reason):
            return "Globus Auth's answer from \(endpoint) is not usable: \(reason)"
        case .transport(let endpoint, let reason):
            return "could not reach Globus Auth at \(endpoint): \(reason)"
        case .revocationFailed(let servers, let reason):
            return "could not revoke the tokens for \(servers.joined(separator: ", ")) (\(reason)); they are still saved, retry the logout"
        }
    }
}

/// The local server code handler did not receive a usable code (Python's `LocalServerError`).
public enum LocalServerError: LoginException, Equatable {
    /// The handler's timeout ended and the only redirects that came carried a missing or wrong
    /// `state` (a stale tab of another attempt, or forged): `ignoredRequests` of them, none used.
    /// Such a redirect does not end the wait, so that nobody but Globus Auth can end the login.
    case stateMismatch(ignoredRequests: Int, seconds: Double)
    /// Globus Auth redirected with an error instead of a code (the user declined consent, ...).
    /// `error` is the OAuth error code; `detail` is Globus Auth's description, cleaned of
    /// control characters and shortened.
    case authorizationDenied(error: String, detail: String?)
    /// The redirect carried a code that is not in the form of an authorization code.
    case malformedCode
    /// No redirect arrived within the handler's timeout (and none with a wrong state either).
    case timedOut(seconds: Double)
    /// The user interrupted the wait (^C).
    case interrupted
    /// The server could not listen on 127.0.0.1.
    case couldNotStart(reason: String)

    public var description: String {
        switch self {
        case .stateMismatch(let ignored, let seconds):
            return "no login redirect with this login's state arrived within \(LocalServerError.duration(seconds)); "
                + "\(ignored) with a missing or wrong state \(ignored == 1 ? "was" : "were") ignored"
        case .authorizationDenied(let error, let detail):
            return "Globus Auth did not authorize the login: \(error)" + (detail.map { " (\($0))" } ?? "")
        case .malformedCode:
            return "the login redirect carried a malformed authorization code"
        case .timedOut(let seconds):
            return "no login redirect arrived within \(LocalServerError.duration(seconds))"
        case .interrupted:
            return "the wait for the login redirect was interrupted"
        case .couldNotStart(let reason):
            return "the local login server could not start on 127.0.0.1: \(reason)"
        }
    }
}

extension LocalServerError {
    /// "1 second", "0.5 seconds", "3600 seconds". `Int(seconds)` would trap for an infinite
    /// timeout, which a caller may well pass.
    static func duration(_ seconds: Double) -> String {
        let whole = seconds.isFinite && seconds.rounded() == seconds && abs(seconds) < 1e15
        let number = whole ? String(Int(seconds)) : String(seconds)
        return number + (seconds == 1 ? " second" : " seconds")
    }
}

/// The client was set up or called in a way that cannot work (Python raises globus-sdk's
/// `GlobusSDKUsageError` for these).
public enum LoginUsageError: LoginException, Equatable {
    /// The client id is empty.
    case emptyClientID
    /// The Globus Auth base URL is not usable (it must be https, or http on a loopback address).
    /// `source` says where it came from: the argument or the environment variable.
    case invalidAuthBaseURL(source: String, reason: String)
    /// A caller-supplied authorize query parameter would replace one the flow itself sets.
    case reservedQueryParameter(name: String)
    /// No scopes were requested and the client has no default scopes.
    case noScopes

    public var description: String {
        switch self {
        case .emptyClientID:
            return "the client id is empty; register a native app at https://app.globus.org/settings/developers"
        case .invalidAuthBaseURL(let source, let reason):
            return "the Globus Auth base URL from \(source) cannot be used: \(reason)"
        case .reservedQueryParameter(let name):
            return "the authorize query parameter \(name) is set by the login flow and cannot be replaced"
        case .noScopes:
            return "no scopes were requested and the client has no default scopes"
        }
    }
}

/// A token set is not in Fair Research Login's format (Python's `InvalidTokenFormat`, whose
/// `code` strings `problem.code` carries); the description names the resource server and the
/// rule, never a value.
public struct InvalidTokenFormat: LoginException, Equatable {
    public let problem: TokenFormatError

    public init(_ problem: TokenFormatError) { self.problem = problem }

    public var code: TokenFormatError.Code { problem.code }
    public var description: String { "invalid token format: \(problem.description)" }
}
