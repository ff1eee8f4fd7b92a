/// What one request to the local server means for the login: a pure function of the request's
/// path and query, kept apart from the networking so the decisions are easy to read and test.
enum RedirectOutcome: Sendable, Equatable {
    /// Not a login redirect (favicon, a probe, a stray path): answered 404 and ignored.
    case unrelated
    /// A redirect to "/" with a code or an error but without this login's `state`: a stale tab
    /// of an earlier attempt, or a request any local process or web page can make. It is
    /// answered 404 and counted, and the wait goes on: were it to end the login, anyone could
    /// abort it.
    case foreign
    /// The login's answer: a code, or why there is none. Only a request carrying this login's
    /// `state` (which only Globus Auth's redirect knows) gets here.
    case answer(Result<String, LocalServerError>)

    /// Longest Globus Auth error description kept for messages.
    static let maximumDetailLength = 200

    static func evaluate(target: String, expectedState: String) -> RedirectOutcome {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.first == "/" else { return .unrelated }
        let query = parts.count > 1 ? FormEncoding.decode(parts[1]) : [:]
        guard query["code"] != nil || query["error"] != nil else { return .unrelated }
        // RFC 6749 4.1.2 and 4.1.2.1: Globus Auth returns the state with a code and with an
        // error alike, so an answer without it is not Globus Auth's.
        guard query["state"] == expectedState else { return .foreign }

        if let code = query["code"] {
            guard AuthorizationCode(code, redirectURI: "") != nil else { return .answer(.failure(.malformedCode)) }
            return .answer(.success(code))
        }
        let error = query["error"] ?? ""
        let detail = query["error_description"].map(cleaned).flatMap { $0.isEmpty ? nil : $0 }
        return .answer(.failure(.authorizationDenied(error: cleaned(error, limit: 64), detail: detail)))
    }

    /// Drops control characters and shortens: the text comes from a URL anyone can craft and ends
    /// up in terminal messages.
    static func cleaned(_ text: String) -> String { cleaned(text, limit: maximumDetailLength) }

    static func cleaned(_ text: String, limit: Int) -> String {
        let kept = text.unicodeScalars.filter { !$0.properties.generalCategory.isControlLike }
        return String(String.UnicodeScalarView(kept.prefix(limit)))
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControlLike: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: return true
        default: return false
        }
    }
}
