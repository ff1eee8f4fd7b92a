@testable import TokenVault
import Testing

/// The word-at-a-time string scan must find exactly what a byte-by-byte scan finds, wherever
/// the stopping byte falls in a word and whatever flagged bytes stand before it.
@Suite("Word scan of string bodies")
struct WordScanTests {
    /// Bytes at the edges of every class the scan tells apart.
    private static let alphabet: [UInt8] = [
        0x00, 0x01, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x61, 0x7E, 0x7F, 0x80, 0xC3, 0xFE, 0xFF,
    ]

    /// What `plainRun` promises, one byte at a time.
    private func reference(_ bytes: [UInt8], from start: Int) -> (end: Int, isASCII: Bool, isPrintableASCII: Bool) {
        var end = start
        while end < bytes.count, bytes[end] != 0x22, bytes[end] != 0x5C, bytes[end] >= 0x20 { end += 1 }
        let run = bytes[start..<end]
        let isASCII = run.allSatisfy { $0 < 0x80 }
        return (end, isASCII, isASCII && !run.contains(0x7F))
    }

    private func expectSameAsReference(_ bytes: [UInt8], from start: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(bytes, from: start)
        let run = bytes.withUnsafeBytes { WordScan.plainRun(in: $0, from: start) }
        #expect(run.end == expected.end, "\(bytes) from \(start)", sourceLocation: sourceLocation)
        #expect(run.isASCII == expected.isASCII, "\(bytes) from \(start)", sourceLocation: sourceLocation)
        #expect(run.isPrintableASCII == expected.isPrintableASCII, "\(bytes) from \(start)", sourceLocation: sourceLocation)
    }

    @Test("one special byte anywhere in a plain run, from every start")
    func oneSpecialByte() {
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                for special in Self.alphabet {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    if position < length { bytes[position] = special }
                    for start in [0, 1, 7, 8, 9].filter({ $0 <= length }) {
                        expectSameAsReference(bytes, from: start)
                    }
                }
            }
        }
    }

    @Test("seeded random strings over the edge bytes")
    func randomStrings() {
        var state: UInt64 = 0x5CA9_F00D
        func next() -> UInt64 {
            // SplitMix64: reproducible without Foundation.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<20_000 {
            let length = Int(next() % 48)
            // Mostly plain letters, so runs are long enough to cross words.
            let bytes = (0..<length).map { _ in next() % 4 == 0 ? Self.alphabet[Int(next() % UInt64(Self.alphabet.count))] : 0x61 }
            expectSameAsReference(bytes, from: length == 0 ? 0 : Int(next() % UInt64(length)))
        }
    }
}
