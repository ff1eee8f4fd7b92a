/// Eight-bytes-at-a-time helpers shared by the plaintext parser and the canonical-form check:
/// token strings are long and mostly plain, so testing a whole word before falling back to
/// bytes is where their speed comes from.
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of every zero byte. A borrow runs upwards, so bits can also be set above a
    /// byte that truly is zero, never below one: the lowest set bit is exact, and so is
    /// "any zero byte among the first n" once the bits above them are masked off.
    @inline(__always)
    private static func zeroBytes(_ value: UInt64) -> UInt64 {
        (value &- ones) & ~value & highs
    }

    /// A mask whose lowest set bit is the high bit of the first byte (in memory order) that is
    /// `"`, `\\` or a control character; 0 when none is (exact, as for `zeroBytes`).
    @inline(__always)
    private static func stops(in word: UInt64) -> UInt64 {
        let belowSpace = (word &- ones &* 0x20) & ~word & highs
        return belowSpace | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }

    /// A run of string bytes from a given start: `end` is the first `"`, `\\` or control
    /// character (or the end of the buffer).
    struct PlainRun {
        var end: Int
        var isASCII: Bool
        /// ASCII without DEL: with the stops excluded, printable as it is into JSON or onto
        /// a terminal.
        var isPrintableASCII: Bool

        init(end: Int, bits: UInt64, deletes: UInt64) {
            self.end = end
            isASCII = bits & WordScan.highs == 0
            isPrintableASCII = isASCII && deletes == 0
        }
    }

    /// The plain run from `start`, eight bytes at a time; the word that holds the end is not
    /// gone through byte by byte.
    @inline(__always)
    static func plainRun(in bytes: UnsafeRawBufferPointer, from start: Int) -> PlainRun {
        var index = skipPrintable(in: bytes, from: start)
        var bits: UInt64 = 0
        var deletes: UInt64 = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let stops = stops(in: word)
            if stops != 0 {
                let before = stops.trailingZeroBitCount / 8
                let kept: UInt64 = (1 << UInt64(before * 8)) &- 1
                bits |= word & kept
                deletes |= zeroBytes(word ^ (ones &* 0x7F)) & kept
                return PlainRun(end: index + before, bits: bits, deletes: deletes)
            }
            bits |= word
            deletes |= zeroBytes(word ^ (ones &* 0x7F))
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            bits |= UInt64(byte)
            if byte == 0x7F { deletes = 1 }
            index += 1
        }
        return PlainRun(end: index, bits: bits, deletes: deletes)
    }

    /// The first index from `start`, in steps of eight, whose word holds a byte that is not
    /// printable ASCII or is `"` or `\\`, or the first with no whole word left: the body of a
    /// token, passed with one combined test a word instead of the exact bookkeeping above,
    /// which then takes over. The test is exact for each word (a borrow or carry starts only
    /// at a flagged byte of the same word).
    @inline(__always)
    static func skipPrintable(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start >= 0 else { return start }
        let spaces = ones &* 0x20
        let quotes = ones &* 0x22
        let backslashes = ones &* 0x5C
        var offset = start
        let lastWhole = bytes.count &- 8
        while offset <= lastWhole {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let quoted = word ^ quotes
            let escaped = word ^ backslashes
            // Below 0x20; `"`; `\`; 0x80 or more, or DEL (0x7F + 1 sets the high bit).
            let flagged = ((word &- spaces) & ~word) | ((quoted &- ones) & ~quoted)
                | ((escaped &- ones) & ~escaped) | word | (word &+ ones)
            if flagged & highs != 0 { break }
            offset &+= 8
        }
        return offset
    }

    /// Moves `index` past `literal` if the bytes there spell it; else leaves it. Always
    /// inlined: each literal is a constant, so the comparison unrolls to a few word compares
    /// instead of a call and a loop (the parsers make eight of these per token set).
    @inline(__always)
    static func skip(_ literal: StaticString, in bytes: UnsafeRawBufferPointer, at index: inout Int) -> Bool {
        guard spells(literal, in: bytes, at: index) else { return false }
        index += literal.utf8CodeUnitCount
        return true
    }

    /// Whether the bytes at `index` spell `literal` (all of it, within `bytes`).
    @inline(__always)
    static func spells(_ literal: StaticString, in bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard count <= bytes.count - index, let base = bytes.baseAddress else { return false }
        return equal(base + index, literal.utf8Start, count: count)
    }

    /// Whether the `count` bytes at `here` are the `count` bytes at `expected` (whole words, the
    /// last one overlapping, for the literal runs of the plaintext's fixed layout).
    @inline(__always)
    static func equal(_ here: UnsafeRawPointer, _ expected: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                guard here.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    == expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                else { return false }
                offset += 8
            }
            return here.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == expected.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        for offset in 0..<count where here.load(fromByteOffset: offset, as: UInt8.self) != expected.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
    }

    /// The index of the first differing byte among the first `count`, or nil.
    static func firstDifference(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, upTo count: Int) -> Int? {
        var index = 0
        while index + 8 <= count,
            a.loadUnaligned(fromByteOffset: index, as: UInt64.self) == b.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        {
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return index }
            index += 1
        }
        return nil
    }

    static func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && firstDifference(a, b, upTo: a.count) == nil
    }

    /// Whether every byte is below 0x80: such bytes are valid UTF-8 exactly as they are.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var seen: UInt64 = 0
        while index + 8 <= bytes.count {
            seen |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            seen |= UInt64(bytes[index])
            index += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }
}
