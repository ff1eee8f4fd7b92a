internal import SecureFiles

extension JSONReader {
    /// A string as read: the range of its bytes when it holds no escape (those bytes are then
    /// its value, already checked to be valid UTF-8 without control characters), else its
    /// decoded value.
    package enum ParsedString: Equatable, Sendable {
        case plain(Range<Int>)
        case decoded(String)
    }

    package mutating func string() throws(Failure) -> String {
        string(try parsedString())
    }

    package func string(_ parsed: ParsedString) -> String {
        switch parsed {
        case .plain(let range): String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        case .decoded(let text): text
        }
    }

    package mutating func parsedString() throws(Failure) -> ParsedString {
        try expect(UInt8(ascii: "\""), "expected a string")
        let start = index
        // Nearly every string has no escape: one pass to its end, noting whether it is ASCII
        // (then valid UTF-8 as it is, and no validation pass is needed).
        var highBits: UInt8 = 0
        var end = start
        if let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            while end < bytes.count {
                let byte = base[end]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                highBits |= byte
                end += 1
            }
        }
        index = end
        guard let byte = peek() else { throw failure("unterminated string") }
        if byte == UInt8(ascii: "\"") {
            index += 1
            guard highBits < 0x80 || String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) != nil else {
                throw invalidUTF8(startingAt: start)
            }
            return .plain(start..<end)
        }
        guard byte >= 0x20 else { throw failure("raw control character in a string") }
        return .decoded(try escapedString(from: start))
    }

    /// The rest of a string that holds escapes, from its first backslash (`start`: its first byte).
    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        // Decoded into a scratch array that is wiped before it is released, and sized once (a
        // decoded string is never longer than its escaped form) so that no reallocation
        // leaves an unwiped copy behind.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(min(end, bytes.count) - start)
        decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        defer { SecureFile.wipe(&decoded) }
        while true {
            guard let byte = peek() else { throw failure("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: decoded, as: UTF8.self) else { throw invalidUTF8(startingAt: start) }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &decoded)
            case ..<0x20:
                throw failure("raw control character in a string", at: index - 1)
            default:
                decoded.append(byte)
            }
        }
    }

    /// The strict mode names the string's first byte; the Python one the byte after it (where
    /// the string was found to be bad).
    private func invalidUTF8(startingAt start: Int) -> Failure {
        failure("string is not valid UTF-8", at: mode == .strict ? start : index)
    }

    private mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
        guard let byte = peek() else { throw failure("unterminated escape") }
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
                // A high surrogate must be followed by an escaped low one. Python would keep a
                // lone surrogate, but a Swift String cannot hold it.
                guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("unpaired UTF-16 surrogate escape")
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired UTF-16 surrogate escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("unpaired UTF-16 surrogate escape")
            }
            guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else {
                throw failure("unpaired UTF-16 surrogate escape")
            }
            decoded.append(contentsOf: encoded)
        default:
            // Python's json points at the backslash; the vault's errors have always named the
            // byte after it (SECURITY.md's error vectors, and the Python package, word it so).
            throw failure("invalid escape", at: mode == .pythonCompatible ? index - 2 : index - 1)
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        // Cut short by the end of the text: the strict mode names the first digit, the Python
        // one the end, like any other missing digit.
        if mode == .strict, index + 4 > bytes.count { throw failure("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw failure("invalid \\u escape") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
