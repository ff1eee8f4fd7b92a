internal import VaultCrypto

/// A command's output as UTF-8 bytes, appended to one buffer and written with `write` loops.
/// Reports over a thousand token sets were spending most of their time growing Strings and
/// arrays; appending to one raw buffer gives the same bytes for a fraction of the work.
///
/// Either collecting (the whole output, then `write(to:)`), or streaming: 64 KiB at a time to a
/// descriptor as it is built, so a large export needs no buffer its size. Commands build their
/// output only after everything they print has been read and checked, so streaming never
/// leaves half a report behind an error. The buffer is wiped when released: an export or
/// `show --reveal` holds live tokens in it. Not meant to be copied (copies share the buffer).
struct OutputBytes {
    private let buffer: Buffer

    init(reservingCapacity capacity: Int = 0) {
        buffer = Buffer(capacity: max(capacity, 256), sink: nil)
    }

    init(streamingTo descriptor: Int32) {
        buffer = Buffer(capacity: 1 << 16, sink: descriptor)
    }

    // Disfavoured so that a literal argument picks the StaticString overload, which needs no
    // String and no closure: reports append a handful of literals per token set.
    @_disfavoredOverload
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ text: StaticString) {
        buffer.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(bytesOf bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(UnsafeRawBufferPointer(bytes))
    }

    mutating func append(byte: UInt8) {
        buffer.append(byte: byte)
    }

    /// Text that needs no escape (checked by the caller), between quotes.
    mutating func appendQuoted(_ plain: UnsafeBufferPointer<UInt8>) {
        buffer.appendQuoted(UnsafeRawBufferPointer(plain))
    }

    mutating func append(spaces count: Int) {
        let blanks: StaticString = "                                "
        var remaining = count
        while remaining > 0 {
            let run = min(remaining, blanks.utf8CodeUnitCount)
            buffer.append(UnsafeRawBufferPointer(start: blanks.utf8Start, count: run))
            remaining -= run
        }
    }

    /// `String(number)` without the String: works on the magnitude, so Int.min prints too.
    mutating func append(decimal number: Int, minimumDigits: Int = 1) {
        if (0..<100).contains(number), minimumDigits <= 2 {
            // Months, days, hours, minutes, seconds: a date costs five of these per row.
            if number >= 10 || minimumDigits == 2 { buffer.append(byte: UInt8(ascii: "0") + UInt8(number / 10)) }
            buffer.append(byte: UInt8(ascii: "0") + UInt8(number % 10))
            return
        }
        if number < 0 { buffer.append(byte: UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt.max has 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var start = scratch.count
            // Two digits a turn (an expiry has ten), from a table of the hundred pairs.
            let pairs = Self.digitPairs.utf8Start
            func putPair(_ pair: UInt) {
                start -= 2
                scratch[start] = pairs[Int(pair) * 2]
                scratch[start + 1] = pairs[Int(pair) * 2 + 1]
            }
            while magnitude >= 100 {
                let (rest, pair) = magnitude.quotientAndRemainder(dividingBy: 100)
                putPair(pair)
                magnitude = rest
            }
            if magnitude >= 10 {
                putPair(magnitude)
            } else {
                start -= 1
                scratch[start] = UInt8(ascii: "0") + UInt8(magnitude)
            }
            while scratch.count - start < minimumDigits, start > 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "0")
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: scratch[start...]))
        }
    }

    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// How many bytes are held (not yet written out).
    var count: Int { buffer.withContents(\.count) }

    /// The bytes collected so far as text, for the few callers that still want a String.
    var text: String { buffer.withContents { String(decoding: $0, as: UTF8.self) } }

    /// Writes what has not been written yet: to the streaming descriptor, or to `descriptor`.
    func write(to descriptor: Int32) {
        buffer.flush(to: buffer.sink ?? descriptor)
    }

    private final class Buffer {
        private var base: UnsafeMutableRawPointer
        private var capacity: Int
        private var count = 0
        let sink: Int32?

        init(capacity: Int, sink: Int32?) {
            self.capacity = capacity
            self.sink = sink
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }

        deinit {
            SecureMemory.wipe(UnsafeMutableRawBufferPointer(start: base, count: count))
            base.deallocate()
        }

        // The common case inline (room to spare: a copy and a count), the rest out of line:
        // reports make several appends per token set.
        @inline(__always)
        func append(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress, bytes.count > 0 else { return }
            guard bytes.count <= capacity - count else { return appendMakingRoom(bytes) }
            (base + count).copyMemory(from: source, byteCount: bytes.count)
            count += bytes.count
        }

        @inline(__always)
        func append(byte: UInt8) {
            if count == capacity { makeRoom(for: 1) }
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }

        /// `bytes` between two quote marks, with one check for room.
        @inline(__always)
        func appendQuoted(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count + 2 <= capacity - count else {
                append(byte: UInt8(ascii: "\""))
                append(bytes)
                append(byte: UInt8(ascii: "\""))
                return
            }
            base.storeBytes(of: UInt8(ascii: "\""), toByteOffset: count, as: UInt8.self)
            if let source = bytes.baseAddress { (base + count + 1).copyMemory(from: source, byteCount: bytes.count) }
            base.storeBytes(of: UInt8(ascii: "\""), toByteOffset: count + 1 + bytes.count, as: UInt8.self)
            count += bytes.count + 2
        }

        @inline(never)
        private func appendMakingRoom(_ bytes: UnsafeRawBufferPointer) {
            makeRoom(for: bytes.count)
            if let sink, bytes.count > capacity {
                // Larger than the whole buffer (the buffer was just flushed): straight out.
                Posix.writeAll(sink, bytes)
                return
            }
            append(bytes)
        }

        func withContents<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            body(UnsafeRawBufferPointer(start: base, count: count))
        }

        func flush(to descriptor: Int32) {
            Posix.writeAll(descriptor, UnsafeRawBufferPointer(start: base, count: count))
            SecureMemory.wipe(UnsafeMutableRawBufferPointer(start: base, count: count))
            count = 0
        }

        /// Streaming: flush. Collecting: move to a buffer twice as large (or large enough),
        /// wiping the old one, so no stray copy of the output is left in freed memory.
        @inline(never)
        private func makeRoom(for needed: Int) {
            if let sink {
                flush(to: sink)
                return
            }
            let newCapacity = max(capacity * 2, count + needed)
            let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newBase.copyMemory(from: base, byteCount: count)
            SecureMemory.wipe(UnsafeMutableRawBufferPointer(start: base, count: count))
            base.deallocate()
            base = newBase
            capacity = newCapacity
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
        marks(of: byte, in: word) != 0
    }

    /// The high bit of each byte of `word` that may be `byte`: every such byte is marked; a
    /// byte above one may be marked too (the borrow of the subtraction runs upwards).
    static func marks(of byte: UInt8, in word: UInt64) -> UInt64 {
        let matched = word ^ (ones &* UInt64(byte))
        return (matched &- ones) & ~matched & highs
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
