#if canImport(Glibc)
import Glibc
#endif

/// The one JSON reader: the plain storages and import read what Python's `json.loads` reads,
/// the vault reads the strict form SECURITY.md section 5 specifies, and both read from a
/// borrowed buffer (the vault's is its secure plaintext buffer), building token sets directly
/// (see `JSONReader+TokenSets.swift`).
///
/// The two modes accept the same grammar (RFC 8259: no trailing commas, comments or leading
/// zeros; strings valid UTF-8 without raw control characters; surrogate escapes paired) and
/// differ only where Python's `json` does: `.pythonCompatible` also reads `NaN`, `Infinity`
/// and `-Infinity`, keeps the last of repeated member names and nests up to 256 levels;
/// `.strict` refuses repeated names and nests up to 32.
package struct JSONReader: ~Copyable {
    package enum Mode: Sendable {
        case pythonCompatible
        case strict
    }

    /// Where and why reading stopped. Never holds a byte of the text, which may be a token.
    package struct Failure: Error {
        package enum Kind {
            /// Not JSON; the words say what was expected (for line-and-column messages).
            case syntax(String)
            case tooDeep
            /// A repeated member name (`.strict` only), in an object read as a plain value.
            case duplicateMember
            /// A repeated resource server in a token map (`.strict` only).
            case duplicateResourceServer
            /// A token map that is not an object (`.strict`; Python's rules word it instead).
            case notAnObject
            /// A token set that breaks `verify_token_group`'s rules, or a misfiled one.
            case tokens(TokenFormatError)
        }

        package let kind: Kind
        /// Byte offset in the text.
        package let offset: Int

        package init(kind: Kind, offset: Int) {
            self.kind = kind
            self.offset = offset
        }
    }

    package let bytes: UnsafeRawBufferPointer
    package var index = 0
    package let mode: Mode

    /// What `tokenMap` may still reserve (see `takeReservation`).
    var reservationLeft: Int

    package init(_ bytes: UnsafeRawBufferPointer, mode: Mode) {
        self.bytes = bytes
        self.mode = mode
        reservationLeft = bytes.count / 256
    }

    /// Deep enough for any token document (the vault's needs 4 levels); shallow enough that
    /// hostile nesting cannot exhaust the stack (Python stops near 1000 with RecursionError).
    package static func maximumDepth(_ mode: Mode) -> Int { mode == .strict ? 32 : 256 }

    package var maximumDepth: Int { JSONReader.maximumDepth(mode) }

    var isAtEnd: Bool { index == bytes.count }

    package func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Throws unless only whitespace is left.
    package mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard isAtEnd else { throw failure("unexpected data after the JSON value") }
    }

    func failure(_ problem: String, at offset: Int? = nil) -> Failure {
        Failure(kind: .syntax(problem), offset: offset ?? index)
    }

    // MARK: - Values

    package mutating func value(depth: Int) throws(Failure) -> JSONValue {
        skipWhitespace()
        guard depth < maximumDepth else { throw Failure(kind: .tooDeep, offset: index) }
        switch peek() {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"):
            var object: [String: JSONValue] = [:]
            var duplicate = false
            try members(depth: depth) { (reader, key) throws(Failure) in
                let member = try reader.value(depth: depth + 1)
                duplicate = object.updateValue(member, forKey: key) != nil || duplicate
            }
            // Only once the object has been read in full: a syntax error later in it wins.
            if duplicate, mode == .strict { throw Failure(kind: .duplicateMember, offset: index) }
            return .object(object)
        case UInt8(ascii: "["):
            return try array(depth: depth)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "N") where mode == .pythonCompatible:
            try literal("NaN")
            return .double(.nan)
        case UInt8(ascii: "I") where mode == .pythonCompatible:
            try literal("Infinity")
            return .double(.infinity)
        case UInt8(ascii: "-") where mode == .pythonCompatible && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            index += 1
            try literal("Infinity")
            return .double(-.infinity)
        case nil:
            throw failure("expected a value, found the end of the text")
        default:
            return try number()
        }
    }

    /// Calls `body` with each member's name, positioned at its value; reads the braces.
    package mutating func members(
        depth: Int, _ body: (inout JSONReader, String) throws(Failure) -> Void
    ) throws(Failure) {
        guard depth < maximumDepth else { throw Failure(kind: .tooDeep, offset: index) }
        try expect(UInt8(ascii: "{"), "expected an object")
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a quoted key") }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            try body(&self, key)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
            return .array(elements)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`. Integers stay integers, as in Python,
    /// whose `int()` treats them differently from floats. Both modes refuse the same texts;
    /// where they stop differs: the strict mode at the byte that breaks the number (its errors
    /// name that byte), the Python one, like `json.loads`, after the longest number there is,
    /// leaving a dangling `.` or `e` to the caller's error.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        let python = mode == .pythonCompatible
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw failure("expected a value", at: python ? index : start) }
        }
        var isInteger = true
        if peek() == UInt8(ascii: "."), !python || isDigit(at: index + 1) {
            index += 1
            isInteger = false
            guard skipDigits() > 0 else { throw failure("expected digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let sign = index + 1 < bytes.count && (bytes[index + 1] == UInt8(ascii: "+") || bytes[index + 1] == UInt8(ascii: "-"))
            if !python || isDigit(at: index + (sign ? 2 : 1)) {
                index += sign ? 2 : 1
                isInteger = false
                guard skipDigits() > 0 else { throw failure("expected digits in the exponent") }
            }
        }
        // Only ASCII digits, signs, '.' and 'e' were read: this cannot fail to decode.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger {
            // Beyond 64 bits: infinite, so the token rules refuse it rather than a rounded value
            // landing on Int.min or Int.max (Python's int() would hold it exactly).
            if let integer = Int(text) { return .int(integer) }
            return .double(bytes[start] == UInt8(ascii: "-") ? -.infinity : .infinity)
        }
        guard let double = Double(text) else { throw failure("invalid number", at: start) }
        return .double(double)
    }

    private func isDigit(at position: Int) -> Bool {
        position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    /// A JSON integer that fits in `Int` and is followed by a delimiter, read past; nil (not
    /// moved) for anything else: fractions, exponents and overflow are read by `value`.
    mutating func plainInteger() -> Int? {
        var position = index
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let digitsStart = position
        var magnitude = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            // Accumulating negatively reaches Int.min, whose magnitude Int cannot hold.
            let digit = Int(bytes[position] - UInt8(ascii: "0"))
            let (sum, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0, digitCount == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09: break
            default: return nil
            }
        }
        index = position
        return magnitude
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        guard skip(word) else { throw failure("expected a value") }
    }

    /// Reads past `word` if the bytes here spell it; else stays put.
    mutating func skip(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard count <= bytes.count - index, let base = bytes.baseAddress,
              memcmp(base + index, word.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    mutating func expect(_ byte: UInt8, _ problem: String) throws(Failure) {
        guard peek() == byte else { throw failure(problem) }
        index += 1
    }
}
