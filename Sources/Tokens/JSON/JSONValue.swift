/// A parsed JSON value, with Python's distinction between integers and floats kept, because
/// `verify_token_group` treats them differently (`int(123.9)` truncates, `int("123.9")` fails).
package enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// An integer literal that fits in `Int`. Larger ones become `.double`, which fails the
    /// same validation rules they would fail in Swift anyway (out of range).
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    /// A value no JSON parser produces (a `Date`, a custom type) handed to
    /// `TokenSet(validating:)`: like an arbitrary Python object, truthy and neither a string
    /// nor a number, so every rule that needs one rejects it.
    case opaque

    /// Python's truthiness, which `verify_token_group` applies to `token_type` and
    /// `refresh_token` ("absent or falsy means none").
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .array(let value): return !value.isEmpty
        case .object(let value): return !value.isEmpty
        case .opaque: return true
        }
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

extension JSONValue: Decodable {
    /// Lets `TokenSet.init(from:)` see the raw shape of each field, whatever decoder is used.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

extension JSONValue {
    /// Converts what `JSONSerialization` or a hand-built dictionary holds. Numbers that arrive as
    /// `NSNumber` cast to `Int` first, so a JSON `true` reads as 1, exactly as Python's
    /// `int(True)` does.
    init(any value: Any) {
        if let string = value as? String {
            self = .string(string)
        } else if type(of: value) == Bool.self, let flag = value as? Bool {
            self = .bool(flag)
        } else if let number = value as? Int {
            self = .int(number)
        } else if let number = value as? Double {
            self = .double(number)
        } else if let object = value as? [String: Any] {
            self = .object(object.mapValues { JSONValue(any: $0) })
        } else if let array = value as? [Any] {
            self = .array(array.map { JSONValue(any: $0) })
        } else if JSONValue.isNull(value) {
            self = .null
        } else {
            self = .opaque
        }
    }

    /// `nil` in an `Any`, or Foundation's `NSNull`, which this module cannot name.
    private static func isNull(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.isEmpty
        }
        return String(describing: type(of: value)) == "NSNull"
    }
}
