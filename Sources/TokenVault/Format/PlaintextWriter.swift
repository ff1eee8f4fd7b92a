internal import Tokens

/// Writes the plaintext document straight into its padded secure buffer: compact JSON, keys
/// sorted, `"`, `\` and control characters escaped, all else literal UTF-8. The size is measured in a first pass, so the JSON is written once,
/// into memory that is wiped on release, and never exists in an ordinary heap buffer.
/// (For the 10,000-token-set vaults the benchmark uses, this is also several times faster
/// than JSONEncoder.)
enum PlaintextWriter {
    /// The document's keys in writing order, sorted once for both passes. Sorted so that the
    /// output is deterministic (the test vectors rely on it); `String`'s own order is used
    /// because it is several times faster than comparing bytes, and readers never depend on
    /// the order anyway.
    struct Sorted {
        fileprivate let namespaces: [(name: String, map: TokenMap, servers: [String])]

        init(_ namespaces: [String: TokenMap]) {
            self.namespaces = namespaces.keys.sorted().map { name in
                let map = namespaces[name] ?? [:]
                return (name, map, map.keys.sorted())
            }
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

    private static func write<Sink: JSONSink>(_ document: Sorted, to sink: inout Sink) {
        sink.append(#"{"frl_vault":1,"namespaces":{"#)
        for (index, namespace) in document.namespaces.enumerated() {
            if index > 0 { sink.append(",") }
            sink.appendString(namespace.name)
            sink.append(":{")
            for (setIndex, server) in namespace.servers.enumerated() {
                guard let set = namespace.map[server] else { continue }
                if setIndex > 0 { sink.append(",") }
                sink.appendString(server)
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
            sink.append("}")
        }
        sink.append("}}")
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
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                appendBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            appendBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart...]))
        }
        appendByte(UInt8(ascii: "\""))
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
