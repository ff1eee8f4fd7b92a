/// What one request to the local server means for the login: a pure function of the request's
/// path and query, kept apart from the networking so the decisions are easy to read and test.
enum RedirectOutcome: Sendable, Equatable {
    /// Not a login redirect (favicon, a probe, a stray path): answered 404 and ignored.
    case unrelated
    /// The login's answer: a code, or why there is none.
    case answer(Result<String, LocalServerError>)

    /// Longest Globus Auth error description kept for messages.
    static let maximumDetailLength = 200

    static func evaluate(target: String, expectedState: String) -> RedirectOutcome {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.first == "/" else { return .unrelated }
        let query = parts.count > 1 ? FormEncoding.decode(parts[1]) : [:]
        let state = query["state"]

        if let code = query["code"] {
            guard state == expectedState else { return .answer(.failure(.stateMismatch)) }
            guard AuthorizationCode(code, redirectURI: "") != nil else { return .answer(.failure(.malformedCode)) }
            return .answer(.success(code))
        }
        if let error = query["error"] {
            // An error redirect changes nothing but ends this attempt; one with another login's
            // state is still reported as a mismatch so that a forged one is recognisable.
            if let state, state != expectedState { return .answer(.failure(.stateMismatch)) }
            let detail = query["error_description"].map(cleaned).flatMap { $0.isEmpty ? nil : $0 }
            return .answer(.failure(.authorizationDenied(error: cleaned(error, limit: 64), detail: detail)))
        }
        return .unrelated
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
