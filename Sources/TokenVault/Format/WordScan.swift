/// Eight-bytes-at-a-time helpers shared by the plaintext parser and the canonical-form check:
/// token strings are long and mostly plain, so testing a whole word before falling back to
/// bytes is where their speed comes from.
enum WordScan {
    /// Whether any of the eight bytes is `"`, `\\` or a control character (no false
    /// negatives; a false positive only sends the word through the byte-by-byte loop).
    static func mayStopString(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let belowSpace = (word &- ones &* 0x20) & ~word & highs != 0
        return belowSpace || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
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
