/// Recognises a plaintext that is exactly what `PlaintextWriter` writes, so that a write which
/// replaces one namespace can carry every other namespace over as its bytes, without turning
/// 10,000 token sets into strings and back.
///
/// "Exactly" is the point: a namespace is carried only when parsing it would succeed and
/// writing the parsed maps again would give the very same bytes. So the check is narrower
/// than the writer's range, never wider: member names (namespaces and resource servers) must
/// be ASCII, so byte order, `String` order and key equality all agree, and no string may hold
/// an escape. Anything else (another writer's whitespace, an escaped token, a non-ASCII name,
/// a set `verify_token_group` would refuse) makes `layout` return nil, and the caller parses
/// the document in full as before, with the same errors as before.
enum CanonicalPlaintext {
    /// Where each namespace's value (`{...}`) lies in the content, by name.
    struct Layout {
        var namespaces: [String: Range<Int>]
    }

    /// The layout of `content` (the JSON without its padding), or nil when it is not canonical.
    static func layout(of content: UnsafeRawBufferPointer) -> Layout? {
        var scanner = Scanner(bytes: content)
        var layout = Layout(namespaces: [:])
        guard scanner.document(onSet: { _, _ in }, onNamespace: { name, range in layout.namespaces[name] = range }) else {
            return nil
        }
        return layout
    }

    /// Every namespace's token sets read in place from a canonical `content`: the views
    /// `PlaintextParser.namespaceViews` gives for it, in the same (ascending) order, without a
    /// String per set. Nil when `content` is not canonical; the general parser then reads it.
    static func namespaceViews(in content: UnsafeRawBufferPointer, lease: PlaintextLease) -> [NamespaceView]? {
        var scanner = Scanner(bytes: content)
        // The canonical form lists namespaces in strictly ascending ASCII, which is code point
        // order: kept as read, they need neither a dictionary nor a sort.
        var namespaces: [NamespaceView] = []
        // Views keep 32-bit offsets into the content; a larger one (past the 64 MiB read limit
        // anyway) goes to the general parser.
        guard let start = content.baseAddress, content.count <= Int(UInt32.max) else { return nil }
        // Bound once for all the views (as each string's bytes were bound before).
        let base = start.bindMemory(to: UInt8.self, capacity: content.count)
        // Room for as many sets as the content could hold (the shortest canonical set takes
        // over 100 bytes), so a large namespace is not copied from one array to the next as it
        // grows: untouched capacity costs address space, not memory. Only for the first
        // namespace (nearly always the only one): reserved for each, thousands of namespaces
        // would each hold room for the whole vault.
        var current: [TokenSetView] = []
        current.reserveCapacity(content.count / 100 + 1)
        let read = scanner.document(
            onSet: { server, set in
                func span(_ plain: PlainText) -> TokenSetView.Span {
                    TokenSetView.Span(offset: UInt32(plain.bytes.baseAddress.map { $0 - start } ?? 0), count: UInt32(plain.bytes.count))
                }
                current.append(
                    TokenSetView(
                        in: base, lease: lease, resourceServer: span(server), scope: span(set.scope), accessToken: span(set.accessToken),
                        refreshToken: set.refreshToken.map(span),
                        knownPlainASCII: (
                            server.isPrintableASCII, set.scope.isPrintableASCII, set.accessToken.isPrintableASCII,
                            set.refreshToken?.isPrintableASCII ?? false),
                        expiresAtSeconds: set.expiresAtSeconds))
            },
            onNamespace: { name, _ in
                namespaces.append(NamespaceView(name: name, tokenSets: current))
                current = []
            })
        return read ? namespaces : nil
    }

    /// A set's values as the plaintext holds them (each already known to be its own value).
    struct SetValues {
        var accessToken: PlainText
        var expiresAtSeconds: Int
        var refreshToken: PlainText?
        var scope: PlainText
    }

    /// A string's bytes, free of escapes and control characters, and what else is known of
    /// them.
    struct PlainText {
        var bytes: UnsafeRawBufferPointer
        var isASCII: Bool
        var isPrintableASCII: Bool
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        /// Reads the whole document, reporting each set (with the name it is filed under) and
        /// then its namespace (with where its value lies); false when it is not canonical.
        mutating func document(
            onSet: (PlainText, SetValues) -> Void, onNamespace: (String, Range<Int>) -> Void
        ) -> Bool {
            guard take(#"{"frl_vault":1,"namespaces":{"#) else { return false }
            var previous: UnsafeRawBufferPointer?
            if !take("}") {
                repeat {
                    guard let name = asciiName(after: previous)?.bytes, take(":") else { return false }
                    previous = name
                    let start = index
                    guard tokenMap(onSet) else { return false }
                    onNamespace(String(decoding: name, as: UTF8.self), start..<index)
                } while take(",")
                guard take("}") else { return false }
            }
            return take("}") && index == bytes.count
        }

        /// `{"<server>":{...},...}` with the servers in strictly ascending byte order.
        private mutating func tokenMap(_ onSet: (PlainText, SetValues) -> Void) -> Bool {
            guard take("{") else { return false }
            if take("}") { return true }
            var previous: UnsafeRawBufferPointer?
            repeat {
                guard let server = asciiName(after: previous), take(":"), let set = tokenSet(filedUnder: server.bytes) else {
                    return false
                }
                onSet(server, set)
                previous = server.bytes
            } while take(",")
            return take("}")
        }

        /// The writer's six fields in its order; the resource server is the name the set is
        /// filed under and the token type "Bearer" (what `TokenMap.validate()` demands).
        private mutating func tokenSet(filedUnder server: UnsafeRawBufferPointer) -> SetValues? {
            guard take(#"{"access_token":"#), let accessToken = plainText(),
                take(#","expires_at_seconds":"#), let expiresAtSeconds = integer(),
                take(#","refresh_token":"#)
            else { return nil }
            var refreshToken: PlainText?
            if !take("null") {
                guard let refresh = plainText() else { return nil }
                refreshToken = refresh
            }
            guard take(#","resource_server":"#), let named = plainText(), WordScan.sameBytes(named.bytes, server),
                take(#","scope":"#), let scope = plainText(),
                take(#","token_type":"Bearer"}"#)
            else { return nil }
            return SetValues(accessToken: accessToken, expiresAtSeconds: expiresAtSeconds, refreshToken: refreshToken, scope: scope)
        }

        /// A string name that is ASCII and sorts strictly after `previous` (so no duplicates).
        private mutating func asciiName(after previous: UnsafeRawBufferPointer?) -> PlainText? {
            guard let name = plainText(), name.isASCII else { return nil }
            if let previous, !Self.precedes(previous, name.bytes) { return nil }
            return name
        }

        /// A string without escapes or control characters, valid UTF-8: its raw bytes are its
        /// value, and the writer would write that value back as these bytes.
        private mutating func plainText() -> PlainText? {
            guard take("\"") else { return nil }
            let start = index
            let run = WordScan.plainRun(in: bytes, from: start)
            guard run.end < bytes.count, bytes[run.end] == UInt8(ascii: "\"") else { return nil }
            index = run.end + 1
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<run.end])
            guard run.isASCII || Self.isValidUTF8(text) else { return nil }
            return PlainText(bytes: text, isASCII: run.isASCII, isPrintableASCII: run.isPrintableASCII)
        }

        /// An integer as the writer writes an `Int`: no leading zeros, no "-0", in range.
        private mutating func integer() -> Int? {
            let negative = take("-")
            let start = index
            // In locals, not through `self`: the loop then keeps them in registers.
            var end = start
            var value = 0
            while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
                let digit = Int(bytes[end] &- UInt8(ascii: "0"))
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                value = next
                end += 1
            }
            index = end
            let count = end - start
            guard count > 0, count == 1 || bytes[start] != UInt8(ascii: "0"), !(negative && value == 0) else { return nil }
            return value
        }

        @inline(__always)
        private mutating func take(_ literal: StaticString) -> Bool {
            WordScan.skip(literal, in: bytes, at: &index)
        }

        private static func precedes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
            let common = min(left.count, right.count)
            if let index = WordScan.firstDifference(left, right, upTo: common) { return left[index] < right[index] }
            return left.count < right.count
        }

        /// RFC 3629 well-formedness (no overlong forms, surrogates or values past U+10FFFF):
        /// what `String(validating:)` accepts, without making a String of a token.
        static func isValidUTF8(_ run: UnsafeRawBufferPointer) -> Bool {
            var index = 0
            while index < run.count {
                let lead = run[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                var lower: UInt8 = 0x80
                var upper: UInt8 = 0xBF
                let continuations: Int
                switch lead {
                case 0xC2...0xDF: continuations = 1
                case 0xE0: continuations = 2; lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: continuations = 2
                case 0xED: continuations = 2; upper = 0x9F
                case 0xF0: continuations = 3; lower = 0x90
                case 0xF1...0xF3: continuations = 3
                case 0xF4: continuations = 3; upper = 0x8F
                default: return false
                }
                guard index + continuations < run.count else { return false }
                guard (lower...upper).contains(run[index + 1]) else { return false }
                for offset in stride(from: 2, through: continuations, by: 1) where !(0x80...0xBF).contains(run[index + offset]) {
                    return false
                }
                index += continuations + 1
            }
            return true
        }
    }
}
