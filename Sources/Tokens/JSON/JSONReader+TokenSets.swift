#if canImport(Glibc)
import Glibc
#endif

extension JSONReader {
    /// A token map (`{"<resource server>": {<token set>}, ...}`) at `depth`, each set checked
    /// with `verify_token_group`'s rules and filed under its own resource server.
    ///
    /// A set in the plain shape that writers produce becomes a `TokenSet` as it is read. Any
    /// other shape is read as a `JSONValue` and handed to `TokenValidation`, which decides and
    /// words the error, so the shortcut decides only how fast a set is read, never what is
    /// accepted. `.pythonCompatible` reports the error `TokenValidation.tokenMap` reports (the
    /// first bad set in sorted order, after the whole text has been read); `.strict` stops at
    /// the first bad set and refuses a repeated resource server.
    ///
    /// `wholeText`: the map is all the text holds, so anything after it is a syntax error,
    /// reported before any set's error (as `json.loads` would refuse it first).
    package mutating func tokenMap(depth: Int, wholeText: Bool = false) throws(Failure) -> TokenMap {
        try readMap(
            depth: depth, wholeText: wholeText,
            fromFields: { reader, fields, server in reader.tokenSet(fields, filedUnder: server) },
            fromValidated: { $0 },
            isFiled: { _, set, server in set.resourceServer == server },
            asTokenSet: { _, set in set },
            noting: { _, _ in })
    }

    /// `tokenMap` with each set's strings left where they lie (`TokenSetFields`), for reports
    /// that print every set once: the same checks and the same errors, without a String per
    /// token. The ranges mean something only with these bytes.
    ///
    /// The sets come in the order of the text, which for a vault is code point order (its
    /// writer sorts), so that putting them in order is one pass (`sorted` finds one run). In
    /// `.pythonCompatible` mode, where a repeated name replaces a set, in no particular order.
    package mutating func lentTokenMap(depth: Int) throws(Failure) -> LentTokenMap {
        var inTextOrder: LentTokenMap = []
        let map = try readMap(
            depth: depth, wholeText: false,
            fromFields: { _, fields, _ in fields },
            fromValidated: { TokenSetFields(decoded: $0) },
            isFiled: { reader, fields, server in reader.spells(fields.resourceServer, server) },
            asTokenSet: { reader, fields in reader.tokenSet(fields, filedUnder: nil) },
            noting: { server, fields in inTextOrder.append((server, fields)) })
        // `.strict` refuses a repeated name, so every set was noted once, as it was filed.
        return mode == .strict ? inTextOrder : map.map { ($0.key, $0.value) }
    }

    /// The reading both of the above share; `Set` is what a set becomes.
    private mutating func readMap<Set>(
        depth: Int, wholeText: Bool,
        fromFields: (borrowing JSONReader, TokenSetFields, String) -> Set,
        fromValidated: (TokenSet) -> Set,
        isFiled: (borrowing JSONReader, Set, String) -> Bool,
        asTokenSet: (borrowing JSONReader, Set) -> TokenSet,
        noting: (String, Set) -> Void
    ) throws(Failure) -> [String: Set] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            let value = try value(depth: depth)
            if wholeText { try expectEnd() }
            if mode == .strict { throw Failure(kind: .notAnObject, offset: index) }
            do throws(TokenFormatError) {
                return try TokenValidation.tokenMap(from: value).mapValues(fromValidated)
            } catch {
                throw Failure(kind: .tokens(error), offset: index)
            }
        }
        var map: [String: Set] = [:]
        map.reserveCapacity(takeReservation())
        // Sets not in the plain shape, for `.pythonCompatible` to validate once all is read.
        var unchecked: [String: JSONValue] = [:]
        var misfiled = false
        try members(depth: depth) { (reader, server) throws(Failure) in
            let start = reader.index
            if let fields = try reader.plainFields() {
                let set = fromFields(reader, fields, server)
                misfiled = misfiled || !isFiled(reader, set, server)
                // A repeated name keeps the spelling it was first read with (canonically
                // equivalent names are one name), as a dictionary of the parsed JSON would.
                if !unchecked.isEmpty, let earlier = unchecked.index(forKey: server) {
                    map[unchecked.remove(at: earlier).key] = set
                } else if map.updateValue(set, forKey: server) != nil, reader.mode == .strict {
                    throw Failure(kind: .duplicateResourceServer, offset: reader.index)
                }
                noting(server, set)
                return
            }
            reader.index = start
            let value = try reader.value(depth: depth + 1)
            if reader.mode == .strict {
                // Checked as a map of its own, filing included, so that a set filed under
                // another name is blamed here, before anything after it.
                let set: TokenSet
                do throws(TokenFormatError) {
                    set = try TokenValidation.tokenSet(from: value, filedUnder: server)
                    try [server: set].validate()
                } catch {
                    throw Failure(kind: .tokens(error), offset: reader.index)
                }
                let filed = fromValidated(set)
                guard map.updateValue(filed, forKey: server) == nil else {
                    throw Failure(kind: .duplicateResourceServer, offset: reader.index)
                }
                noting(server, filed)
            } else if let earlier = map.index(forKey: server) {
                unchecked[map.remove(at: earlier).key] = value
            } else {
                unchecked[server] = value
            }
        }
        if wholeText { try expectEnd() }
        do throws(TokenFormatError) {
            // `TokenValidation.tokenMap`'s order: each set by sorted name, then the filing.
            if !unchecked.isEmpty {
                for server in unchecked.keys.sorted() {
                    guard let value = unchecked[server] else { continue }
                    let set = try TokenValidation.tokenSet(from: value, filedUnder: server)
                    misfiled = misfiled || set.resourceServer != server
                    map[server] = fromValidated(set)
                }
            }
            // Every set has passed the token rules; what remains of validate() is the filing
            // rule. Let it word the error (and pick the same set).
            if misfiled {
                var tokenMap = TokenMap()
                for (server, set) in map { tokenMap[server] = asTokenSet(self, set) }
                try tokenMap.validate()
            }
        } catch {
            throw Failure(kind: .tokens(error), offset: index)
        }
        return map
    }

    /// Room for as many sets as the rest of the text could hold at a typical 256 bytes each,
    /// so that a large map is not rehashed as it grows (a third of reading 10,000 sets). From
    /// one budget for the whole text: a document of many small maps reserves no more in all.
    private mutating func takeReservation() -> Int {
        let room = min((bytes.count - index) / 256, reservationLeft)
        reservationLeft -= room
        return room
    }

    /// The six fields, by the bytes of their names (no String is made for a field name).
    private enum Field {
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

    /// Reads a token set in the shape writers produce, which `verify_token_group`'s rules
    /// accept unchanged: an object of known fields, each once, names without escapes; the
    /// three names and the access token strings; the expiry an integer; the refresh token a
    /// string or null (or absent); the token type "Bearer" (or absent, or null). Nil for
    /// anything else, leaving the position undefined: the caller reads it again as a value.
    /// Throws only the errors reading it as a value would throw first (a bad string).
    private mutating func plainFields() throws(Failure) -> TokenSetFields? {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { return nil }
        index += 1
        var seen: UInt8 = 0
        var accessToken: ParsedString?
        var scope: ParsedString?
        var resourceServer: ParsedString?
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
                switch field {
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
                        guard skip("null") else { return nil }
                    }
                case .tokenType:
                    guard skip(#""Bearer""#) || skip("null") else { return nil }
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
        guard let accessToken, let scope, let resourceServer, let expiresAtSeconds else { return nil }
        // An empty refresh token is none, as `TokenSet` has it (only a plain string can be empty).
        if case .plain(let range) = refreshToken, range.isEmpty { refreshToken = nil }
        return TokenSetFields(
            resourceServer: resourceServer, scope: scope, accessToken: accessToken, refreshToken: refreshToken,
            expiresAtSeconds: expiresAtSeconds)
    }

    /// The set these fields hold, its Strings made from the text. `server`: the name it is
    /// filed under, whose String the set shares when the stored name spells it exactly.
    package func tokenSet(_ fields: TokenSetFields, filedUnder server: String?) -> TokenSet {
        var refresh: String?
        if let refreshToken = fields.refreshToken { refresh = string(refreshToken) }
        var resourceServer: String
        if let server, spellsExactly(fields.resourceServer, server) {
            resourceServer = server
        } else {
            resourceServer = string(fields.resourceServer)
        }
        return TokenSet(
            scope: string(fields.scope), accessToken: string(fields.accessToken), refreshToken: refresh,
            expiresAtSeconds: fields.expiresAtSeconds, resourceServer: resourceServer)
    }

    /// Whether `text` is `name` as `String` compares them (canonical equivalents are equal).
    package func spells(_ text: ParsedString, _ name: String) -> Bool {
        spellsExactly(text, name) || string(text) == name
    }

    /// Whether `text` is stored as exactly the bytes of `name` (nearly always, for a set's
    /// own resource server), decided without making a String.
    private func spellsExactly(_ text: ParsedString, _ name: String) -> Bool {
        guard case .plain(let range) = text, range.count == name.utf8.count else { return false }
        if range.isEmpty { return true }
        guard let base = bytes.baseAddress else { return false }
        let same = name.utf8.withContiguousStorageIfAvailable { name in
            name.baseAddress.map { memcmp(base + range.lowerBound, $0, range.count) == 0 }
        }
        return (same ?? nil) ?? UnsafeRawBufferPointer(rebasing: bytes[range]).elementsEqual(name.utf8)
    }

    /// One of the six field names, quoted and without escapes, read past; nil for anything
    /// else. The first letter (the third for "re...") picks the only candidate.
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
        let start = index
        index += 1
        guard skip(field.name), peek() == UInt8(ascii: "\"") else {
            index = start
            return nil
        }
        index += 1
        return field
    }
}

/// A token map's sets lent in place, with the names they are filed under (see `lentTokenMap`).
package typealias LentTokenMap = [(name: String, fields: TokenSetFields)]

/// A token set's strings as they lie in the text read: byte ranges of it where stored without
/// an escape, else decoded. Every set has passed exactly the checks `tokenMap` applies.
package struct TokenSetFields: Sendable {
    package var resourceServer: JSONReader.ParsedString
    package var scope: JSONReader.ParsedString
    package var accessToken: JSONReader.ParsedString
    /// Nil when the set has none (absent, null or empty, as `TokenSet` has it).
    package var refreshToken: JSONReader.ParsedString?
    package var expiresAtSeconds: Int

    /// A set that was read the long way (or is not in any text), its strings decoded.
    package init(decoded set: TokenSet) {
        resourceServer = .decoded(set.resourceServer)
        scope = .decoded(set.scope)
        accessToken = .decoded(set.accessToken)
        refreshToken = set.refreshToken.map { .decoded($0) }
        expiresAtSeconds = set.expiresAtSeconds
    }

    init(
        resourceServer: JSONReader.ParsedString, scope: JSONReader.ParsedString, accessToken: JSONReader.ParsedString,
        refreshToken: JSONReader.ParsedString?, expiresAtSeconds: Int
    ) {
        self.resourceServer = resourceServer
        self.scope = scope
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAtSeconds = expiresAtSeconds
    }
}
