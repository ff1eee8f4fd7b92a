import Tokens

/// Checks a map before it is saved or handed out, with the Tokens module's rules (Fair Research
/// Login's `verify_token_group`, plus each set filed under its own resource server).
enum TokenCheck {
    static func validate(_ tokens: TokenMap) throws(InvalidTokenFormat) {
        do {
            try tokens.validate()
        } catch {
            throw InvalidTokenFormat(error)
        }
    }
}
