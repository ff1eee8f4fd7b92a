/// A token set that breaks one of Fair Research Login's `verify_token_group` rules (or, for a
/// whole map, the rule that each set is filed under its own resource server).
///
/// The description is one line naming the rule and the resource server. It never contains a
/// token value, and names taken from the input are shown only when they look like ordinary
/// field or host names (see `DisplayName`), because a damaged file can put anything anywhere.
public struct TokenFormatError: Error, Equatable, Sendable {
    /// Which rule failed. Raw values are Python's `InvalidTokenFormat.code` strings.
    public enum Code: String, Sendable, CaseIterable {
        /// The token set (or the whole map) is not a JSON object / dict.
        case notADict = "not_dict"
        /// Keys other than the six known ones are present.
        case unexpectedValues = "unexpected_values"
        /// One of `access_token`, `expires_at_seconds`, `scope`, `resource_server` is missing.
        case missingRequired = "missing_required"
        /// A field has the wrong type: a non-string where a string belongs, a truthy non-string
        /// refresh token, or an `expires_at_seconds` that is not an integer.
        case invalidType = "invalid_type"
        /// `token_type` is present, truthy and not "Bearer".
        case invalidTokenType = "invalid_token_type"
        /// A set is filed under another resource server than its own, or two sets claim the same
        /// one. (Not a Python code: Python never checks this.)
        case resourceServerMismatch = "resource_server_mismatch"
    }

    public var code: Code
    /// The resource server the set is filed under (or claims), when known.
    public var resourceServer: String?
    /// The keys the failed rule is about, sorted: the unexpected, missing or ill-typed ones.
    public var keys: [String]

    public init(_ code: Code, resourceServer: String?, keys: [String] = []) {
        self.code = code
        self.resourceServer = resourceServer
        self.keys = keys.sorted()
    }
}

extension TokenFormatError: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let subject = resourceServer.map { "token set for \(DisplayName.of($0))" } ?? "token data"
        return "\(subject): \(problem) (\(code.rawValue))"
    }

    public var debugDescription: String { "TokenFormatError(\(description))" }

    /// Only the redacted description, so `dump(error)` cannot show a raw name from the input.
    public var customMirror: Mirror {
        Mirror(self, children: ["code": code, "description": description], displayStyle: .struct)
    }

    private var problem: String {
        let names = DisplayName.list(keys)
        switch code {
        case .notADict: return "not a JSON object"
        case .unexpectedValues: return "unexpected keys \(names)"
        case .missingRequired: return "missing required keys \(names)"
        case .invalidType:
            if keys == ["expires_at_seconds"] { return "expires_at_seconds must be an integer" }
            if keys == ["refresh_token"] { return "refresh_token must be a string or empty" }
            return "\(names) must be a string"
        case .invalidTokenType: return "token_type must be \"Bearer\""
        case .resourceServerMismatch: return "filed under another resource server than its own, or claimed twice"
        }
    }
}

/// Decides which names taken from input may appear in messages.
///
/// Field names and resource servers are not secrets, but a damaged or hostile file can put a
/// token where a name belongs. Globus tokens are long mixed-case strings; names are short,
/// lower-case host names, UUIDs or snake_case keys. So a name is shown only if it is at most
/// 64 characters of `[a-z0-9._:-]`, and is otherwise replaced by a neutral placeholder.
enum DisplayName {
    static let maximumLength = 64

    static func of(_ name: String) -> String {
        isShowable(name) ? "'\(name)'" : "<name withheld>"
    }

    static func list(_ names: [String]) -> String {
        let shown = names.filter(isShowable)
        var parts = shown
        let withheld = names.count - shown.count
        if withheld > 0 { parts.append("\(withheld) withheld") }
        return parts.joined(separator: ", ")
    }

    static func isShowable(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumLength else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
        }
    }
}
