internal import Tokens

/// Writes the plaintext document straight into its padded secure buffer: compact JSON, keys
/// sorted, `"`, `\` and control characters escaped, all else literal UTF-8. The size is
/// measured in a first pass (or, for a rewrite, the old buffer is tried first), so the JSON is
/// written into memory that is wiped on release, and never exists in an ordinary heap buffer.
/// (For the 10,000-token-set vaults the benchmark uses, this is also several times faster
/// than JSONEncoder.)
enum PlaintextWriter {
    /// The document's keys in writing order, sorted once for both passes. Sorted so that the
    /// output is deterministic (the test vectors rely on it), by UTF-8 bytes, which is code
    /// point order (and `String`'s own order for the NFC names that resource servers have).
    struct Sorted {
        /// Each namespace's map and the order to write its entries in, as dictionary indices:
        /// the sets are never copied (a copy retains six strings).
        fileprivate let namespaces: [(name: String, map: TokenMap, order: [TokenMap.Index])]
        /// Whether every set passed the rules of `TokenMap.validate()` and `TokenSet.validate()`
        /// (Sources/Tokens/Model/TokenValidation.swift: filed under its own resource server,
        /// token type "Bearer"), checked while the keys are gathered. A rule added there has
        /// to be added in `keyOrder` too.
        let everySetValid: Bool

        init(_ namespaces: [String: TokenMap]) {
            var everySetValid = true
            self.namespaces = namespaces.keys.sorted(by: CodePointOrder.precedes).map { name in
                let map = namespaces[name] ?? [:]
                return (name, map, Self.keyOrder(of: map, everySetValid: &everySetValid))
            }
            self.everySetValid = everySetValid
        }

        /// The entries' indices in key order, noting any set that breaks the map rules.
        private static func keyOrder(of map: TokenMap, everySetValid: inout Bool) -> [TokenMap.Index] {
            for (key, set) in map where set.resourceServer != key || set.tokenType != "Bearer" {
                everySetValid = false
            }
            return CodePointOrder.indices(of: map)
        }
    }

    /// Runs the same writing code twice: once counting bytes, once storing them.
    static func contentCount(of document: Sorted) -> Int {
        var counter = ByteCounter()
        write(document, to: &counter)
        return counter.count
    }

    static func write(_ document: Sorted, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var writer = ByteWriter(buffer: buffer)
        write(document, to: &writer)
        return writer.index
    }

    /// One pass into a buffer that may be too small: the content's length, and whether it fit
    /// (when it did not, the buffer is partly written).
    static func write(_ document: Sorted, intoAtMost buffer: UnsafeMutableRawBufferPointer) -> (count: Int, fits: Bool) {
        var writer = BoundedByteWriter(buffer: buffer)
        write(document, to: &writer)
        return (writer.count, writer.count <= buffer.count)
    }

    private static func write<Sink: JSONSink>(_ document: Sorted, to sink: inout Sink) {
        sink.append(#"{"frl_vault":1,"namespaces":{"#)
        for (index, namespace) in document.namespaces.enumerated() {
            if index > 0 { sink.append(",") }
            sink.appendString(namespace.name)
            sink.append(":")
            sink.append("{")
            for (position, entryIndex) in namespace.order.enumerated() {
                if position > 0 { sink.append(",") }
                writeSet(namespace.map[entryIndex].value, to: &sink)
            }
            sink.append("}")
        }
        sink.append("}}")
    }

    private static func writeSet<Sink: JSONSink>(_ set: borrowing TokenSet, to sink: inout Sink) {
        // Validation has made every set's resource server its key.
        sink.appendString(set.resourceServer)
        sink.append(#":{"access_token":"#)
        sink.appendString(set.accessToken)
        sink.append(#","expires_at_seconds":"#)
        sink.appendInteger(set.expiresAtSeconds)
        sink.append(#","refresh_token":"#)
        if let refreshToken = set.refreshToken {
            sink.appendString(refreshToken)
        } else {
            sink.append("null")
        }
        sink.append(#","resource_server":"#)
        sink.appendString(set.resourceServer)
        sink.append(#","scope":"#)
        sink.appendString(set.scope)
        sink.append(#","token_type":"#)
        sink.appendString(set.tokenType)
        sink.append("}")
    }
}

private protocol JSONSink {
    mutating func appendByte(_ byte: UInt8)
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer)
}

extension JSONSink {
    /// Literal ASCII structure (never user data).
    mutating func append(_ literal: StaticString) {
        appendBytes(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func appendString(_ string: String) {
        appendByte(UInt8(ascii: "\""))
        // Native strings (all of ours) lend their UTF-8 without the copy that the mutating
        // `withUTF8` would make of the argument.
        let lent: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            appendEscapedContents(UnsafeRawBufferPointer(utf8))
        }
        if lent == nil {
            var string = string
            string.withUTF8 { utf8 in appendEscapedContents(UnsafeRawBufferPointer(utf8)) }
        }
        appendByte(UInt8(ascii: "\""))
    }

    private mutating func appendEscapedContents(_ raw: UnsafeRawBufferPointer) {
        var runStart = 0
        var index = 0
        while index < raw.count {
            // Eight bytes at a time while none needs escaping: tokens almost never do.
            if index + 8 <= raw.count, !Self.mayNeedEscaping(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = raw[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                appendBytes(UnsafeRawBufferPointer(rebasing: raw[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            index += 1
        }
        appendBytes(UnsafeRawBufferPointer(rebasing: raw[runStart...]))
    }

    /// Whether any of the eight bytes is a control character, `"` or `\` (exact: the
    /// zero-byte tests below have no false negatives, and a false positive only means the
    /// word is looked at byte by byte).
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let belowSpace = (word &- ones &* 0x20) & ~word & highs != 0
        return belowSpace || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        appendByte(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): appendByte(byte)
        case 0x08: appendByte(UInt8(ascii: "b"))
        case 0x0C: appendByte(UInt8(ascii: "f"))
        case 0x0A: appendByte(UInt8(ascii: "n"))
        case 0x0D: appendByte(UInt8(ascii: "r"))
        case 0x09: appendByte(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            for digit in [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] {
                appendByte(digit)
            }
        }
    }

    mutating func appendInteger(_ value: Int) {
        if value < 0 { appendByte(UInt8(ascii: "-")) }
        // Int.min's magnitude does not fit in Int; UInt holds every magnitude.
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            appendBytes(UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }
}

private struct ByteCounter: JSONSink {
    var count = 0
    mutating func appendByte(_ byte: UInt8) { count += 1 }
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) { count += bytes.count }
}

private struct ByteWriter: JSONSink {
    let buffer: UnsafeMutableRawBufferPointer
    var index = 0

    mutating func appendByte(_ byte: UInt8) {
        buffer[index] = byte
        index += 1
    }

    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        UnsafeMutableRawBufferPointer(rebasing: buffer[index..<(index + bytes.count)]).copyMemory(from: bytes)
        index += bytes.count
    }
}

/// Stores while the buffer has room and counts every byte either way, so that a document
/// that does not fit still learns its size from this one pass.
private struct BoundedByteWriter: JSONSink {
    let buffer: UnsafeMutableRawBufferPointer
    var count = 0

    mutating func appendByte(_ byte: UInt8) {
        if count < buffer.count { buffer[count] = byte }
        count += 1
    }

    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if bytes.count <= buffer.count - count {
            UnsafeMutableRawBufferPointer(rebasing: buffer[count..<(count + bytes.count)]).copyMemory(from: bytes)
        }
        count += bytes.count
    }
}
