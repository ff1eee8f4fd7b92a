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
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            let value = try value(depth: depth)
            if wholeText { try expectEnd() }
            if mode == .strict { throw Failure(kind: .notAnObject, offset: index) }
            do { return try TokenValidation.tokenMap(from: value) } catch { throw Failure(kind: .tokens(error), offset: index) }
        }
        var map = TokenMap()
        map.reserveCapacity(takeReservation())
        // Sets not in the plain shape, for `.pythonCompatible` to validate once all is read.
        var unchecked: [String: JSONValue] = [:]
        var misfiled = false
        try members(depth: depth) { (reader, server) throws(Failure) in
            let start = reader.index
            if let set = try reader.plainTokenSet(filedUnder: server) {
                misfiled = misfiled || set.resourceServer != server
                let repeated = map.updateValue(set, forKey: server) != nil
                    || (!unchecked.isEmpty && unchecked.removeValue(forKey: server) != nil)
                if repeated, reader.mode == .strict { throw Failure(kind: .duplicateResourceServer, offset: reader.index) }
                return
            }
            reader.index = start
            let value = try reader.value(depth: depth + 1)
            if reader.mode == .strict {
                let set: TokenSet
                do throws(TokenFormatError) { set = try TokenValidation.tokenSet(from: value, filedUnder: server) } catch {
                    throw Failure(kind: .tokens(error), offset: reader.index)
                }
                misfiled = misfiled || set.resourceServer != server
                guard map.updateValue(set, forKey: server) == nil else {
                    throw Failure(kind: .duplicateResourceServer, offset: reader.index)
                }
            } else {
                map.removeValue(forKey: server)
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
                    map[server] = set
                }
            }
            // Every set has passed the token rules; what remains of validate() is the filing
            // rule. Let it word the error (and pick the same set).
            if misfiled { try map.validate() }
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
    private mutating func plainTokenSet(filedUnder server: String) throws(Failure) -> TokenSet? {
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
        var refresh: String?
        if let refreshToken { refresh = string(refreshToken) }
        return TokenSet(
            scope: string(scope), accessToken: string(accessToken), refreshToken: refresh,
            expiresAtSeconds: expiresAtSeconds, resourceServer: sharedName(resourceServer, server))
    }

    /// The stored resource server, as the String of the name the set is filed under when it
    /// spells exactly that (nearly always): one String for both.
    private func sharedName(_ stored: ParsedString, _ server: String) -> String {
        guard case .plain(let range) = stored, range.count == server.utf8.count else { return string(stored) }
        let stored = UnsafeRawBufferPointer(rebasing: bytes[range])
        let same = server.utf8.withContiguousStorageIfAvailable { stored.elementsEqual(UnsafeRawBufferPointer($0)) }
        return same ?? stored.elementsEqual(server.utf8) ? server : string(.plain(range))
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
