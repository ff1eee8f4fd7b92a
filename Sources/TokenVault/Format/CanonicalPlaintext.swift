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
        return scanner.document()
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        mutating func document() -> Layout? {
            guard take(#"{"frl_vault":1,"namespaces":{"#) else { return nil }
            var layout = Layout(namespaces: [:])
            var previous: UnsafeRawBufferPointer?
            if !take("}") {
                repeat {
                    guard let name = asciiName(after: previous), take(":") else { return nil }
                    previous = name
                    let start = index
                    guard tokenMap() else { return nil }
                    let key = String(decoding: name, as: UTF8.self)
                    layout.namespaces[key] = start..<index
                } while take(",")
                guard take("}") else { return nil }
            }
            guard take("}"), index == bytes.count else { return nil }
            return layout
        }

        /// `{"<server>":{...},...}` with the servers in strictly ascending byte order.
        private mutating func tokenMap() -> Bool {
            guard take("{") else { return false }
            if take("}") { return true }
            var previous: UnsafeRawBufferPointer?
            repeat {
                guard let server = asciiName(after: previous), take(":"), tokenSet(filedUnder: server) else { return false }
                previous = server
            } while take(",")
            return take("}")
        }

        /// The writer's six fields in its order; the resource server is the name the set is
        /// filed under and the token type "Bearer" (what `TokenMap.validate()` demands).
        private mutating func tokenSet(filedUnder server: UnsafeRawBufferPointer) -> Bool {
            guard take(#"{"access_token":"#), plainString() != nil,
                take(#","expires_at_seconds":"#), integer(),
                take(#","refresh_token":"#), take("null") || plainString() != nil,
                take(#","resource_server":"#), let named = plainString(), WordScan.sameBytes(named, server),
                take(#","scope":"#), plainString() != nil,
                take(#","token_type":"Bearer"}"#)
            else { return false }
            return true
        }

        /// A string name that is ASCII and sorts strictly after `previous` (so no duplicates).
        private mutating func asciiName(after previous: UnsafeRawBufferPointer?) -> UnsafeRawBufferPointer? {
            guard let name = plainString(), name.allSatisfy({ $0 < 0x80 }) else { return nil }
            if let previous, !Self.precedes(previous, name) { return nil }
            return name
        }

        /// A string without escapes or control characters, valid UTF-8: its raw bytes are its
        /// value, and the writer would write that value back as these bytes.
        private mutating func plainString() -> UnsafeRawBufferPointer? {
            guard take("\"") else { return nil }
            let start = index
            var ascii = true
            while index < bytes.count {
                if index + 8 <= bytes.count {
                    let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if !WordScan.mayStopString(word) {
                        ascii = ascii && word & 0x8080_8080_8080_8080 == 0
                        index += 8
                        continue
                    }
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
                ascii = ascii && byte < 0x80
                index += 1
            }
            guard index < bytes.count else { return nil }
            let run = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard ascii || Self.isValidUTF8(run) else { return nil }
            return run
        }

        /// An integer as the writer writes an `Int`: no leading zeros, no "-0", in range.
        private mutating func integer() -> Bool {
            let negative = take("-")
            let start = index
            var value = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = Int(bytes[index] - UInt8(ascii: "0"))
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return false }
                value = next
                index += 1
            }
            let count = index - start
            guard count > 0, count == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
            return !(negative && value == 0)
        }

        private mutating func take(_ literal: StaticString) -> Bool {
            let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard index + expected.count <= bytes.count,
                WordScan.sameBytes(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + expected.count)]), expected)
            else { return false }
            index += expected.count
            return true
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
