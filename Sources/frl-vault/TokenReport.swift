internal import Tokens
internal import TokenVault

/// The per-resource-server summary shared by `status` and `show`: never a token value
/// unless `show --reveal` asks for it.
enum TokenReport {
    /// Python's `str.split()` of the scope string. Scopes are ASCII in practice, and splitting
    /// their bytes is an order of magnitude cheaper than the general Unicode path, which the
    /// Tokens module keeps for anything else.
    static func scopes(of scope: String) -> [String] {
        let bytes = scope.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return TokenSet.scopes(in: scope) }
        // Python's ASCII whitespace for str.split(): \t \n \v \f \r, \x1c-\x1f and space.
        return bytes.split(whereSeparator: { (0x09...0x0D).contains($0) || (0x1C...0x20).contains($0) })
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// `scopes(of:).joined(separator: " ")` made printable, appended without the array of
    /// Strings in between (it was a third of `status`'s per-row work).
    static func writeScopes(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout OutputBytes) {
        let written = { () -> Bool in
            // The usual scope string is already its own printable, single-spaced split-and-join.
            if OutputBytes.isPrintableASCII(bytes), bytes.first != UInt8(ascii: " "),
                bytes.last != UInt8(ascii: " "),
                !hasDoubleSpace(bytes)
            {
                output.append(bytesOf: bytes)
                return true
            }
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            var pendingSeparator = false
            var first = true
            for byte in bytes {
                if (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) {
                    pendingSeparator = true
                    continue
                }
                if pendingSeparator && !first { output.append(byte: UInt8(ascii: " ")) }
                pendingSeparator = false
                first = false
                if byte < 0x20 || byte == 0x7F {
                    // TerminalText's `\xHH` for the controls that are not whitespace.
                    output.append("\\x")
                    output.append(byte: hexDigit(byte >> 4))
                    output.append(byte: hexDigit(byte & 0xF))
                } else {
                    output.append(byte: byte)
                }
            }
            return true
        }()
        guard !written else { return }
        for (index, each) in scopes(of: String(decoding: bytes, as: UTF8.self)).enumerated() {
            if index > 0 { output.append(byte: UInt8(ascii: " ")) }
            TerminalText.write(each, to: &output)
        }
    }

    /// Whether two spaces stand side by side: true may also be a false alarm from the word
    /// test (never a miss), which only sends the scope through the exact path above, and that
    /// gives the same text.
    private static func hasDoubleSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        // A word and the same bytes one on: a space in both at one place is a pair. Each turn
        // covers the pairs that start in its eight bytes.
        while index + 9 <= raw.count {
            let here = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let next = raw.loadUnaligned(fromByteOffset: index + 1, as: UInt64.self)
            if WordTest.marks(of: 0x20, in: here) & WordTest.marks(of: 0x20, in: next) != 0 { return true }
            index += 8
        }
        var previousWasSpace = false
        for byte in raw[index...] {
            let isSpace = byte == UInt8(ascii: " ")
            if isSpace && previousWasSpace { return true }
            previousWasSpace = isSpace
        }
        return false
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    /// The `status --json` object for one token set (built from the view: no token value is
    /// copied for a report that prints none).
    static func summaryValue(_ set: TokenSetFields, in plaintext: RawSpan, now: Int) -> JSONValue {
        .object([
            "resource_server": .string(plaintext.string(set.resourceServer)),
            "scopes": .array(scopes(of: plaintext.string(set.scope)).map(JSONValue.string)),
            "expires_at_seconds": .integer(set.expiresAtSeconds),
            "expires_at": .string(TimeText.iso8601(set.expiresAtSeconds)),
            "expires_in_seconds": .integer(TimeText.secondsBetween(now, set.expiresAtSeconds)),
            "expired": .bool(now >= set.expiresAtSeconds),
            "refresh_token_present": .bool(set.refreshToken != nil),
        ])
    }

    /// `2024-05-01T12:00:00Z (in 3h 2m)` or `... (expired 2d ago)`.
    static func writeExpiry(_ expiresAtSeconds: Int, now: Int, to output: inout OutputBytes) {
        TimeText.writeISO8601(expiresAtSeconds, to: &output)
        output.append(" (")
        TimeText.writeRelative(expiresAt: expiresAtSeconds, now: now, to: &output)
        output.append(")\n")
    }

    /// `writeExpiry`'s text for one report. The token sets of one login share an expiry time,
    /// so the text of the last one is kept and copied instead of formatted again.
    struct ExpiryColumn {
        let now: Int
        private var lastExpiry: Int?
        private var lastText: [UInt8] = []

        init(now: Int) {
            self.now = now
        }

        mutating func write(_ expiresAtSeconds: Int, to output: inout OutputBytes) {
            if expiresAtSeconds != lastExpiry {
                var text = OutputBytes()
                TokenReport.writeExpiry(expiresAtSeconds, now: now, to: &text)
                lastText = Array(text.text.utf8)
                lastExpiry = expiresAtSeconds
            }
            lastText.withUnsafeBufferPointer { output.append(bytesOf: $0) }
        }
    }

    static func kdfValue(_ info: VaultInfo) -> JSONValue {
        switch info.keyDerivation {
        case .keyfile:
            return .object(["algorithm": .string("keyfile")])
        case .argon2id(let ops, let mem):
            return .object([
                "algorithm": .string("argon2id"),
                "ops_limit": .integer(Int(clamping: ops)),
                "mem_limit_bytes": .integer(Int(clamping: mem)),
                "preset": .optional(KDFPreset.named(opsLimit: ops, memLimitBytes: mem)?.rawValue),
            ])
        }
    }

    static func kdfText(_ info: VaultInfo) -> String {
        switch info.keyDerivation {
        case .keyfile:
            return "keyfile"
        case .argon2id(let ops, let mem):
            let preset = KDFPreset.named(opsLimit: ops, memLimitBytes: mem).map { " (\($0.rawValue))" } ?? ""
            return "passphrase, argon2id ops=\(ops) mem=\(mem >> 20) MiB\(preset)"
        }
    }

    /// Aligned `label  value` lines for a terminal, control characters in values made
    /// visible. Labels are ASCII, so UTF-8 length is their width.
    static func table(_ rows: [(String, String)], indent: Int, to output: inout OutputBytes) {
        let width = rows.map(\.0.utf8.count).max() ?? 0
        for (label, value) in rows {
            writeLabel(label, width: width, indent: indent, to: &output)
            TerminalText.write(value, to: &output)
            output.append(byte: UInt8(ascii: "\n"))
        }
    }

    /// The start of one `table` row, for rows whose value is written straight into the
    /// output (a thousand token sets' worth of row arrays and value Strings was a hot spot).
    static func writeLabel(_ label: StaticString, width: Int, indent: Int, to output: inout OutputBytes) {
        output.append(spaces: indent)
        output.append(label)
        output.append(spaces: width - label.utf8CodeUnitCount + 2)
    }

    static func writeLabel(_ label: String, width: Int, indent: Int, to output: inout OutputBytes) {
        output.append(spaces: indent)
        output.append(label)
        output.append(spaces: width - label.utf8.count + 2)
    }
}
