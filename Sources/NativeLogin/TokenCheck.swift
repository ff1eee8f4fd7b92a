import Tokens

/// Checks a map before it is saved or handed out: what Fair Research Login's
/// `verify_token_group` checks, plus that each set sits under its own resource server.
enum TokenCheck {
    static func validate(_ tokens: TokenMap) throws(InvalidTokenFormat) {
        for (key, set) in tokens {
            guard !set.resourceServer.isEmpty else {
                throw InvalidTokenFormat(resourceServer: key, reason: "resource_server is empty")
            }
            guard key == set.resourceServer else {
                throw InvalidTokenFormat(resourceServer: key, reason: "stored under another resource server's name")
            }
            guard !set.accessToken.isEmpty else {
                throw InvalidTokenFormat(resourceServer: key, reason: "access_token is empty")
            }
            guard set.tokenType == "Bearer" else {
                throw InvalidTokenFormat(resourceServer: key, reason: "token_type must be \"Bearer\"")
            }
        }
    }
}
