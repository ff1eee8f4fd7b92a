#if !FRL_VAULT_STATIC_RELEASE
internal import NativeLogin

extension Failure {
    /// NativeLogin's errors. Their descriptions never hold a token, code or verifier.
    static func fromLogin(_ error: any LoginException) -> Failure {
        let message = error.description
        switch error {
        case let load as LoadError:
            switch load {
            case .tokenStorageDisabled:
                return Failure(.internalError, message)
            case .noSavedTokens, .scopesMismatch, .tokensExpired, .unknownResourceServer:
                return Failure(.loginRequired, message, hint: "log in with 'frl-vault login' (the same --client-id and --vault)")
            }
        case is LoginUsageError:
            return Failure(.usage, message)
        default:
            // AuthFailure, LocalServerError, InvalidTokenFormat: Globus Auth's side of the flow.
            return Failure(.authFailed, message)
        }
    }
}
#endif
