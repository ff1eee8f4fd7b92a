import Testing
import Tokens

/// Every place in a string where it can stop (a quote, an escape, a control character,
/// invalid UTF-8), at every offset up to three eight-byte words (where a faster scan would
/// work word by word), is found exactly there.
@Suite("JSON strings stop exactly where they end, at any offset")
struct JSONStringScanTests {
    private let before = Array(#"{"r": {"scope": ""#.utf8)
    private let after = Array(#"", "access_token": "A", "resource_server": "r", "expires_at_seconds": 1}}"#.utf8)

    private func scope(_ raw: [UInt8]) throws -> String? {
        try TokenJSON.decode(before + raw + after, path: "t.json")["r"]?.scope
    }

    @Test("plain strings of every length up to three words, ASCII and not", arguments: ["a", "é", "\u{7F}", "~", "😀"])
    func plain(filler: String) throws {
        for count in 0..<24 {
            let text = String(repeating: filler, count: count)
            #expect(try scope(Array(text.utf8)) == text)
        }
    }

    @Test("an escape at every place in a word")
    func escapes() throws {
        for offset in 0..<20 {
            let raw = Array(String(repeating: "a", count: offset).utf8) + Array(#"\n\"bc"#.utf8)
            #expect(try scope(raw) == String(repeating: "a", count: offset) + "\n\"bc")
        }
    }

    @Test("a raw control character at every place in a word is named at its own column", arguments: [0x00, 0x09, 0x1F] as [UInt8])
    func controlCharacters(control: UInt8) throws {
        for offset in 0..<20 {
            let raw = Array(repeating: UInt8(ascii: "a"), count: offset) + [control, UInt8(ascii: "b")]
            let error = try #require(throws: TokenStorageError.self) { _ = try scope(raw) }
            guard case .malformedJSON(_, let line, let column, _) = error else {
                Issue.record("expected malformedJSON, got \(error)")
                continue
            }
            #expect(line == 1 && column == before.count + offset + 1)
        }
    }

    @Test("invalid UTF-8 at every place in a word, next to bytes above 0x7F, is named after the string, as json.loads names it")
    func invalidUTF8() throws {
        for offset in 0..<20 {
            for bad in [[0xFF], [0xC3], [0xA9], [0xED, 0xA0, 0x80]] as [[UInt8]] {
                let raw = Array(repeating: UInt8(ascii: "a"), count: offset) + bad + Array("é".utf8)
                let error = try #require(throws: TokenStorageError.self) { _ = try scope(raw) }
                guard case .malformedJSON(_, let line, let column, _) = error else {
                    Issue.record("expected malformedJSON, got \(error)")
                    continue
                }
                // The byte after the closing quote, 1-based.
                #expect(line == 1 && column == before.count + raw.count + 2)
            }
        }
    }
}
