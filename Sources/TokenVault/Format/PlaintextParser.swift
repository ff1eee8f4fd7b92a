internal import Tokens
internal import VaultCrypto

/// Parses the plaintext document in place, from the secure buffer it was decrypted into.
///
/// Strict JSON (RFC 8259): no trailing commas, comments or leading zeros, strings must be
/// valid UTF-8 without raw control characters, nothing but whitespace after the document, and
/// (beyond the RFC) no duplicate member names, which parsers disagree about. Token sets in
/// the canonical shape this package writes become `TokenSet`s directly; any other shape is
/// handed to the Tokens module's validation (`verify_token_group`'s rules) as parsed JSON, so
/// both paths accept and refuse exactly what those rules do.
struct PlaintextParser: ~Copyable {
    /// What went wrong, without a byte of the content. `location` is a dotted member path
    /// made only of showable names (see `PlaintextDocument.displayName`).
    enum Failure: Error {
        case syntax(offset: Int)
        case wrongType(location: String)
        case missing(member: String, location: String)
        case duplicate(location: String)
        case tooDeep
        case version(Int)
        case tokenSet(namespace: String, error: TokenFormatError)
    }

    /// A JSON value, kept only for token sets in a non-canonical shape and for skipping.
    /// (Not `indirect`: arrays and dictionaries already hold their elements out of line, and
    /// boxing every string would cost an allocation per field.)
    enum Value {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        /// The shape `TokenSet(validating:)` takes: what JSONSerialization would produce.
        var any: Any {
            switch self {
            case .null: return Optional<Any>.none as Any
            case .bool(let value): return value
            case .int(let value): return value
            case .double(let value): return value
            case .string(let value): return value
            case .array(let values): return values.map(\.any)
            case .object(let members): return members.mapValues(\.any)
            }
        }
    }

    /// Deep enough for any token document (which needs 4 levels); shallow enough that a
    /// hostile plaintext cannot exhaust the stack.
    static let maximumDepth = 32

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The namespaces of a plaintext document (the JSON without its padding).
    static func namespaces(in bytes: UnsafeRawBufferPointer) throws(Failure) -> [String: TokenMap] {
        var parser = PlaintextParser(bytes)
        return try parser.document { (parser, namespace) throws(Failure) in try parser.tokenMap(namespace: namespace) }
    }

    /// The same document, its token sets read in place (see `TokenSetView`): the same checks,
    /// the same errors, each namespace's sets in code point order of their resource servers.
    static func namespaceViews(in bytes: UnsafeRawBufferPointer, lease: PlaintextLease) throws(Failure) -> [String: [TokenSetView]] {
        var parser = PlaintextParser(bytes)
        return try parser.document { (parser, namespace) throws(Failure) in
            try parser.tokenSetViews(namespace: namespace, lease: lease)
        }
    }

    /// One namespace's map from its value's bytes alone (`{...}`, nothing after it).
    static func tokenMap(in bytes: UnsafeRawBufferPointer, namespace: String) throws(Failure) -> TokenMap {
        var parser = PlaintextParser(bytes)
        let map = try parser.tokenMap(namespace: namespace)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw .syntax(offset: parser.index) }
        return map
    }

    // MARK: - The schema

    /// `parseNamespace` reads one namespace's value, positioned at it.
    private mutating func document<Namespace>(
        _ parseNamespace: (inout PlaintextParser, String) throws(Failure) -> Namespace
    ) throws(Failure) -> [String: Namespace] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            _ = try value(depth: 0)
            throw .wrongType(location: "the document")
        }
        var version: Value?
        var namespaces: [String: Namespace]?
        var seen = Set<String>()
        try members(depth: 0, location: "the document") { (parser, key) throws(Failure) in
            guard seen.insert(key).inserted else { throw .duplicate(location: "the document") }
            switch key {
            case "frl_vault": version = try parser.value(depth: 1)
            case "namespaces": namespaces = try parser.namespaces(parseNamespace)
            default: _ = try parser.value(depth: 1)  // ignored, as SECURITY.md says
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw .syntax(offset: index) }
        guard let version else { throw .missing(member: "frl_vault", location: "the document") }
        guard case .int(let number) = version else { throw .wrongType(location: "frl_vault") }
        guard number == VaultFormat.plaintextVersion else { throw .version(number) }
        guard let namespaces else { throw .missing(member: "namespaces", location: "the document") }
        return namespaces
    }

    private mutating func namespaces<Namespace>(
        _ parseNamespace: (inout PlaintextParser, String) throws(Failure) -> Namespace
    ) throws(Failure) -> [String: Namespace] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            _ = try value(depth: 1)
            throw .wrongType(location: "namespaces")
        }
        var result: [String: Namespace] = [:]
        try members(depth: 1, location: "namespaces") { (parser, namespace) throws(Failure) in
            guard result[namespace] == nil else { throw .duplicate(location: "namespaces") }
            result[namespace] = try parseNamespace(&parser, namespace)
        }
        return result
    }

    private mutating func tokenMap(namespace: String) throws(Failure) -> TokenMap {
        let location = "namespaces." + PlaintextDocument.shownName(namespace)
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            _ = try value(depth: 2)
            throw .wrongType(location: location)
        }
        var map = TokenMap()
        var misfiled = false
        try members(depth: 2, location: location) { (parser, server) throws(Failure) in
            let set = try parser.tokenSet(server: server, namespace: namespace)
            misfiled = misfiled || set.resourceServer != server
            guard map.updateValue(set, forKey: server) == nil else { throw .duplicate(location: location) }
        }
        // Every set has passed the token rules; what remains of TokenMap.validate() is the
        // filing rule, checked above. Let validate() word the error (and pick the same set).
        if misfiled {
            do {
                try map.validate()
            } catch {
                throw .tokenSet(namespace: namespace, error: error)
            }
        }
        return map
    }

    /// `tokenMap` for views: the same checks in the same order, without a String per token.
    private mutating func tokenSetViews(namespace: String, lease: PlaintextLease) throws(Failure) -> [TokenSetView] {
        let location = "namespaces." + PlaintextDocument.shownName(namespace)
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            _ = try value(depth: 2)
            throw .wrongType(location: location)
        }
        var views: [TokenSetView] = []
        // The names the sets are filed under: their own names, unless misfiled.
        var servers: [String] = []
        // This package writes resource servers in code point order, so an ASCII name greater
        // than the last one cannot be a duplicate. A file written otherwise, or any non-ASCII
        // name, needs the set of names: `tokenMap`'s dictionary compares names as Strings, and
        // canonically equivalent names ("e\u{301}" and "é", "\u{212A}" and "K") are one name.
        var seen: Set<String>?
        var misfiled = false
        try members(depth: 2, location: location) { (parser, server) throws(Failure) in
            let view = try parser.tokenSetView(server: server, namespace: namespace, lease: lease)
            misfiled = misfiled || view.resourceServer.string != server
            if seen == nil, !PlaintextParser.isASCII(server) || servers.last.map({ !CodePointOrder.precedes($0, server) }) == true {
                seen = Set(servers)
            }
            if seen != nil {
                guard seen?.insert(server).inserted == true else { throw .duplicate(location: location) }
            }
            views.append(view)
            servers.append(server)
        }
        if misfiled {
            // The same map `tokenMap` would have built, for validate() to word the same error.
            let map = Dictionary(zip(servers, views.map(\.tokenSet)), uniquingKeysWith: { first, _ in first })
            do {
                try map.validate()
            } catch {
                throw .tokenSet(namespace: namespace, error: error)
            }
        }
        if seen != nil { views.sort { CodePointOrder.precedes($0.resourceServer.string, $1.resourceServer.string) } }
        return views
    }

    private mutating func tokenSetView(server: String, namespace: String, lease: PlaintextLease) throws(Failure) -> TokenSetView {
        let start = index
        if let fields = try canonicalFields(filedUnder: server) {
            var refreshToken: TokenText?
            if let refresh = fields.refreshToken { refreshToken = text(refresh, lease: lease) }
            var resourceServer = TokenText(server)
            if let stored = fields.resourceServer { resourceServer = text(stored, lease: lease) }
            return TokenSetView(
                resourceServer: resourceServer, scope: text(fields.scope, lease: lease), accessToken: text(fields.accessToken, lease: lease),
                refreshToken: refreshToken, expiresAtSeconds: fields.expiresAtSeconds)
        }
        index = start
        return TokenSetView(try tokenSet(server: server, namespace: namespace))
    }

    private mutating func tokenSet(server: String, namespace: String) throws(Failure) -> TokenSet {
        let start = index
        if let set = try canonicalTokenSet(filedUnder: server) {
            return set
        }
        // Any other shape: parsed again as plain JSON, and the Tokens module decides, with
        // its own error for the rule broken.
        index = start
        let parsed = try value(depth: 3)
        let validated: TokenMap
        do {
            validated = try TokenMap.validated(fromJSONObject: [server: parsed.any])
        } catch {
            throw .tokenSet(namespace: namespace, error: error)
        }
        guard let set = validated[server] else {
            throw .wrongType(location: "namespaces." + PlaintextDocument.shownName(namespace))
        }
        return set
    }

    /// The six fields, by the bytes of their names (no String is made for a field name).
    private enum Field: CaseIterable {
        case accessToken, expiresAtSeconds, refreshToken, resourceServer, scope, tokenType

        var name: StaticString {
            switch self {
            case .accessToken: "access_token"
            case .expiresAtSeconds: "expires_at_seconds"
            case .refreshToken: "refresh_token"
            case .resourceServer: "resource_server"
            case .scope: "scope"
            case .tokenType: "token_type"
            }
        }

        var bit: UInt8 {
            switch self {
            case .accessToken: 1
            case .expiresAtSeconds: 2
            case .refreshToken: 4
            case .resourceServer: 8
            case .scope: 16
            case .tokenType: 32
            }
        }
    }

    /// A string as read: the range of its bytes when it holds no escapes (those bytes are then
    /// already checked to be valid UTF-8 without control characters), else its decoded value.
    private enum ParsedString {
        case plain(Range<Int>)
        case decoded(String)
    }

    /// A token set in the canonical shape, before it becomes a `TokenSet` or a `TokenSetView`.
    private struct CanonicalFields {
        var scope: ParsedString
        var accessToken: ParsedString
        var refreshToken: ParsedString?
        var expiresAtSeconds: Int
        /// Nil when the stored name spells exactly the name the set is filed under.
        var resourceServer: ParsedString?
    }

    private mutating func canonicalTokenSet(filedUnder server: String) throws(Failure) -> TokenSet? {
        guard let fields = try canonicalFields(filedUnder: server) else { return nil }
        // (Optional's map with a method of this ~Copyable parser crashes the 6.3 compiler.)
        var refreshToken: String?
        if let refresh = fields.refreshToken { refreshToken = string(refresh) }
        // Nearly always the very name the set is filed under: that String is shared.
        var resourceServer = server
        if let stored = fields.resourceServer { resourceServer = string(stored) }
        return TokenSet(
            scope: string(fields.scope), accessToken: string(fields.accessToken), refreshToken: refreshToken,
            expiresAtSeconds: fields.expiresAtSeconds, resourceServer: resourceServer)
    }

    /// Reads a token set in the shape this package writes, which `verify_token_group`'s rules
    /// accept unchanged: an object of known fields, each once; the three names and the access
    /// token strings; the expiry an integer; the refresh token a string or null (or absent);
    /// the token type "Bearer" (or absent, or null). Returns nil for anything else (syntax
    /// errors included), leaving the position undefined; the caller re-parses from the start.
    private mutating func canonicalFields(filedUnder server: String) throws(Failure) -> CanonicalFields? {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { return nil }
        let objectStart = index
        if let fields = try writerShapedFields(filedUnder: server) { return fields }
        index = objectStart + 1
        var seen: UInt8 = 0
        var accessToken: ParsedString?
        var scope: ParsedString?
        var resourceServer: ParsedString?
        var resourceServerIsFiledName = false
        var expiresAtSeconds: Int?
        var refreshToken: ParsedString?
        skipWhitespace()
        if peek() != UInt8(ascii: "}") {
            while true {
                skipWhitespace()
                guard let field = fieldName(), seen & field.bit == 0 else { return nil }
                seen |= field.bit
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { return nil }
                index += 1
                skipWhitespace()
                let isString = peek() == UInt8(ascii: "\"")
                let isNull = peek() == UInt8(ascii: "n")
                switch field {
                case .resourceServer where isString:
                    let start = index
                    if let raw = rawKey(), PlaintextParser.isName(raw, server) {
                        resourceServerIsFiledName = true
                    } else {
                        index = start
                        resourceServer = try parsedString()
                    }
                case .accessToken, .scope, .resourceServer:
                    guard isString else { return nil }
                    let text = try parsedString()
                    switch field {
                    case .accessToken: accessToken = text
                    case .scope: scope = text
                    default: resourceServer = text
                    }
                case .expiresAtSeconds:
                    guard let integer = plainInteger() else { return nil }
                    expiresAtSeconds = integer
                case .refreshToken:
                    if isString {
                        refreshToken = try parsedString()
                    } else {
                        guard isNull else { return nil }
                        try literal("null")
                    }
                case .tokenType:
                    if isString {
                        guard let raw = rawKey(), WordScan.sameBytes(raw, PlaintextParser.bearer) else { return nil }
                    } else {
                        guard isNull else { return nil }
                        try literal("null")
                    }
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == UInt8(ascii: "}") else { return nil }
                break
            }
        }
        index += 1
        guard let accessToken, let scope, resourceServer != nil || resourceServerIsFiledName, let expiresAtSeconds else {
            return nil
        }
        return CanonicalFields(
            scope: scope, accessToken: accessToken, refreshToken: refreshToken, expiresAtSeconds: expiresAtSeconds,
            resourceServer: resourceServer)
    }

    /// `canonicalFields` for a set laid out exactly as `PlaintextWriter` writes it (its field
    /// order, no whitespace), nearly every set read: the runs between the values compared
    /// whole, the values read by the same functions in the same order. Nil for anything else,
    /// which `canonicalFields` then reads the general way, so this decides only how fast a set
    /// is read, never what is accepted or which error is thrown.
    private mutating func writerShapedFields(filedUnder server: String) throws(Failure) -> CanonicalFields? {
        let quote = UInt8(ascii: "\"")
        guard skipLiteral(#"{"access_token":"#), peek() == quote else { return nil }
        let accessToken = try parsedString()
        guard skipLiteral(#","expires_at_seconds":"#), let expiresAtSeconds = plainInteger() else { return nil }
        guard skipLiteral(#","refresh_token":"#) else { return nil }
        var refreshToken: ParsedString?
        if peek() == quote {
            refreshToken = try parsedString()
        } else {
            guard skipLiteral("null") else { return nil }
        }
        guard skipLiteral(#","resource_server":"#), peek() == quote else { return nil }
        var resourceServer: ParsedString?
        let nameStart = index
        if rawKey().map({ PlaintextParser.isName($0, server) }) != true {
            index = nameStart
            resourceServer = try parsedString()
        }
        guard skipLiteral(#","scope":"#), peek() == quote else { return nil }
        let scope = try parsedString()
        guard skipLiteral(#","token_type":"Bearer"}"#) else { return nil }
        return CanonicalFields(
            scope: scope, accessToken: accessToken, refreshToken: refreshToken, expiresAtSeconds: expiresAtSeconds,
            resourceServer: resourceServer)
    }

    /// Reads past `literal` if the bytes at the position spell it; else stays put.
    private mutating func skipLiteral(_ literal: StaticString) -> Bool {
        WordScan.skip(literal, in: bytes, at: &index)
    }

    private func string(_ parsed: ParsedString) -> String {
        switch parsed {
        case .plain(let range): String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        case .decoded(let text): text
        }
    }

    private func text(_ parsed: ParsedString, lease: PlaintextLease) -> TokenText {
        switch parsed {
        case .plain(let range): TokenText(borrowing: UnsafeRawBufferPointer(rebasing: bytes[range]).bindMemory(to: UInt8.self), lease: lease)
        case .decoded(let text): TokenText(text)
        }
    }

    private static var bearer: UnsafeRawBufferPointer {
        let word: StaticString = "Bearer"
        return UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    }

    /// One of the six field names, quoted and without escapes, read past; nil for anything
    /// else (then the canonical path gives up, as for any other member). The first letters
    /// (the third for "re...") pick the only candidate, whose bytes are then compared whole.
    private mutating func fieldName() -> Field? {
        guard index + 3 < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let field: Field
        switch bytes[index + 1] {
        case UInt8(ascii: "a"): field = .accessToken
        case UInt8(ascii: "e"): field = .expiresAtSeconds
        case UInt8(ascii: "s"): field = .scope
        case UInt8(ascii: "t"): field = .tokenType
        case UInt8(ascii: "r"): field = bytes[index + 3] == UInt8(ascii: "f") ? .refreshToken : .resourceServer
        default: return nil
        }
        let name = field.name
        let end = index + 1 + name.utf8CodeUnitCount
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), let base = bytes.baseAddress,
            WordScan.equal(base + index + 1, name.utf8Start, count: name.utf8CodeUnitCount)
        else { return nil }
        index = end + 1
        return field
    }

    /// A string without escapes or control characters, as raw bytes; nil for anything else.
    private mutating func rawKey() -> UnsafeRawBufferPointer? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        let end = WordScan.plainRun(in: bytes, from: start).end
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        index = end + 1
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// A JSON integer that fits in Int and is followed by a delimiter; nil for anything else
    /// (fractions, exponents, overflow), which the generic path then handles.
    private mutating func plainInteger() -> Int? {
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
            let next = bytes[position]
            guard next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == 0x20
                || next == 0x0A || next == 0x0D || next == 0x09
            else { return nil }
        }
        index = position
        return magnitude
    }

    // MARK: - JSON

    /// Calls `body` with each member's key, positioned at its value; consumes the braces.
    private mutating func members(
        depth: Int, location: String, _ body: (inout PlaintextParser, String) throws(Failure) -> Void
    ) throws(Failure) {
        guard depth < PlaintextParser.maximumDepth else { throw .tooDeep }
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw .syntax(offset: index) }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        guard depth < PlaintextParser.maximumDepth else { throw .tooDeep }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"):
            var object: [String: Value] = [:]
            var duplicate = false
            try members(depth: depth, location: "") { (parser, key) throws(Failure) in
                let member = try parser.value(depth: depth + 1)
                duplicate = duplicate || object.updateValue(member, forKey: key) != nil
            }
            // Reported where it is found; the location is filled in by the caller's context.
            if duplicate { throw .duplicate(location: "a token set") }
            return .object(object)
        case UInt8(ascii: "["):
            index += 1
            var elements: [Value] = []
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
                try expect(UInt8(ascii: "]"))
                return .array(elements)
            }
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try number()
        }
    }

    private mutating func number() throws(Failure) -> Value {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        // RFC 8259: a zero, or a nonzero digit and more digits; no leading zeros.
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw .syntax(offset: start) }
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard skipDigits() > 0 else { throw .syntax(offset: index) }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw .syntax(offset: index) }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // An integer beyond 64 bits is out of range however close it is (Python's int() would
        // hold it exactly): as an infinite Double the Tokens module's rules refuse it, where a
        // rounded one could land on Int.min or Int.max.
        if isInteger {
            if let integer = Int(text) { return .int(integer) }
            return .double(bytes[start] == UInt8(ascii: "-") ? -.infinity : .infinity)
        }
        guard let double = Double(text) else { throw .syntax(offset: start) }
        return .double(double)
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    private mutating func string() throws(Failure) -> String {
        string(try parsedString())
    }

    private mutating func parsedString() throws(Failure) -> ParsedString {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes, which is every string this package writes but a few. Eight
        // bytes at a time up to the first byte that ends the run, gathering the high bits on
        // the way: token strings are ASCII, valid UTF-8 as they are.
        let plain = WordScan.plainRun(in: bytes, from: start)
        index = plain.end
        guard let byte = peek() else { throw .syntax(offset: index) }
        if byte == UInt8(ascii: "\"") {
            let run = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard plain.isASCII || String(validating: run, as: UTF8.self) != nil else { throw .syntax(offset: start) }
            return .plain(start..<(index - 1))
        }
        guard byte >= 0x20 else { throw .syntax(offset: index) }
        return .decoded(try escapedString(from: start))
    }

    /// The rest of a string that holds escapes, from its first backslash (`start`: its first byte).
    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        // Escaped strings are decoded into a scratch array, wiped before it is released and
        // sized once (a decoded string is never longer than its escaped form) so that no
        // reallocation leaves an unwiped copy behind.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(min(end, bytes.count) - start)
        decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        defer { SecureMemory.wipe(&decoded) }
        while true {
            guard let byte = peek() else { throw .syntax(offset: index) }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = decoded.withUnsafeBytes(PlaintextParser.validatedString) else { throw .syntax(offset: start) }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &decoded)
            case ..<0x20:
                throw .syntax(offset: index - 1)
            default:
                decoded.append(byte)
            }
        }
    }

    private static func isASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { WordScan.isASCII(UnsafeRawBufferPointer($0)) }
    }

    /// The String of these bytes if they are valid UTF-8, else nil. Token strings are ASCII,
    /// which is valid as it is: checked a word at a time and copied, it costs a tenth of
    /// `String(validating:as:)`, whose generic path dominated parsing a large vault.
    static func validatedString(_ run: UnsafeRawBufferPointer) -> String? {
        if WordScan.isASCII(run) { return String(decoding: run, as: UTF8.self) }
        return String(validating: run, as: UTF8.self)
    }

    /// Whether `raw` (a string read by `rawKey`, so without escapes or control characters)
    /// spells exactly `name`.
    private static func isName(_ raw: UnsafeRawBufferPointer, _ name: String) -> Bool {
        let same = name.utf8.withContiguousStorageIfAvailable { WordScan.sameBytes(raw, UnsafeRawBufferPointer($0)) }
        return same ?? raw.elementsEqual(name.utf8)
    }

    private mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
        guard let byte = peek() else { throw .syntax(offset: index) }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw .syntax(offset: index)
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw .syntax(offset: index) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw .syntax(offset: index)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw .syntax(offset: index) }
            decoded.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
        default:
            throw .syntax(offset: index - 1)
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw .syntax(offset: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count,
            UnsafeRawBufferPointer(rebasing: bytes[index..<(index + expected.count)]).elementsEqual(expected)
        else { throw .syntax(offset: index) }
        index += expected.count
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw .syntax(offset: index) }
        index += 1
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }
}
