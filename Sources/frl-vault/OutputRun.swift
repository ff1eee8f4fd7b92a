/// Space reserved at the end of an `OutputBytes` (`appendRun`), written piece by piece with
/// no room check of its own: every piece is checked against what was reserved instead, so a
/// miscounted run stops the program rather than writing past the buffer.
struct OutputRun {
    private let start: UnsafeMutableRawPointer
    private let limit: Int
    private(set) var count = 0

    init(start: UnsafeMutableRawPointer, limit: Int) {
        self.start = start
        self.limit = limit
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= limit - count, "output run overflow")
        if let source = bytes.baseAddress, bytes.count > 0 {
            (start + count).copyMemory(from: source, byteCount: bytes.count)
            count += bytes.count
        }
    }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        put(UnsafeRawBufferPointer(bytes))
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func put(byte: UInt8) {
        precondition(count < limit, "output run overflow")
        start.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Text that needs no escape, between quotes.
    mutating func putQuoted(_ plain: UnsafeBufferPointer<UInt8>) {
        put(byte: UInt8(ascii: "\""))
        put(plain)
        put(byte: UInt8(ascii: "\""))
    }

    mutating func put(decimal number: Int) {
        OutputBytes.withDecimal(number) { put($0) }
    }
}
