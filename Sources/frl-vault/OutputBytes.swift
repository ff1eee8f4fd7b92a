/// A command's whole output built as UTF-8 bytes in one buffer, then written with one
/// `write` loop. Reports over a thousand token sets were spending most of their time growing
/// and re-validating Strings through interpolation; appending bytes to one reserved array
/// is several times cheaper and gives the same bytes.
struct OutputBytes {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytesOf buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(spaces count: Int) {
        guard count > 0 else { return }
        let blanks: StaticString = "                                "
        var remaining = count
        while remaining > 0 {
            let run = min(remaining, blanks.utf8CodeUnitCount)
            bytes.append(contentsOf: UnsafeBufferPointer(start: blanks.utf8Start, count: run))
            remaining -= run
        }
    }

    /// `String(number)` without the String: works on the magnitude, so Int.min prints too.
    mutating func append(decimal number: Int, minimumDigits: Int = 1) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if count < minimumDigits {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumDigits - count))
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(scratch[index]) }
        }
    }

    /// Whether every byte is printable ASCII (0x20...0x7E): eight bytes at a time, since
    /// tokens and scopes are long and nearly always plain, and a byte loop over them was a
    /// hot spot.
    static func isPrintableASCII(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        WordTest.allPass(buffer, word: { !WordTest.mayHoldUnprintable($0) }, byte: { (0x20...0x7E).contains($0) })
    }

    /// Printable ASCII without `"` or `\\`: a JSON string body that needs no escapes.
    static func isPlainJSONText(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        WordTest.allPass(
            buffer,
            word: { !WordTest.mayHoldUnprintable($0) && !WordTest.mayHold(0x22, in: $0) && !WordTest.mayHold(0x5C, in: $0) },
            byte: { (0x20...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C })
    }

    /// The bytes as text, for the few callers that still want a String.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Word-at-a-time byte tests. Each `mayHold...` has no false negatives; a false positive only
/// sends the word through the exact byte test.
enum WordTest {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A byte of 0x80 or more, below 0x20, or DEL.
    static func mayHoldUnprintable(_ word: UInt64) -> Bool {
        word & highs != 0 || (word &- ones &* 0x20) & ~word & highs != 0 || mayHold(0x7F, in: word)
    }

    static func mayHold(_ byte: UInt8, in word: UInt64) -> Bool {
        let matched = word ^ (ones &* UInt64(byte))
        return (matched &- ones) & ~matched & highs != 0
    }

    /// Whether every byte passes `byte`, testing whole words with `word` first.
    @inline(__always)
    static func allPass(
        _ buffer: UnsafeBufferPointer<UInt8>, word: (UInt64) -> Bool, byte: (UInt8) -> Bool
    ) -> Bool {
        let raw = UnsafeRawBufferPointer(buffer)
        var index = 0
        while index + 8 <= raw.count, word(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
            index += 8
        }
        while index < raw.count {
            guard byte(raw[index]) else { return false }
            index += 1
        }
        return true
    }
}
