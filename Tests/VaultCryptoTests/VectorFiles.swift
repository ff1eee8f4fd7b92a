import FoundationEssentials

/// Test vectors are JSON files beside the tests, found through #filePath (not bundled as
/// resources) so that the same files are what an independent implementation reads.
enum VectorFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Vectors")

    static func load<Vector: Decodable>(_ name: String, as type: [Vector].Type = [Vector].self) throws -> [Vector] {
        try JSONDecoder().decode(type, from: Data(contentsOf: directory.appending(path: name)))
    }
}

struct BadHex: Error {}

extension [UInt8] {
    /// Test-only hex parsing; a malformed vector file fails the test that reads it.
    init(hex: String) throws {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { throw BadHex() }
        self = try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { throw BadHex() }
            return byte
        }
    }

    var hex: String { map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
}
