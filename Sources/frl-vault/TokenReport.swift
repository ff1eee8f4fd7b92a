internal import Tokens
internal import TokenVault

/// The per-resource-server summary shared by `status` and `show`: never a token value
/// unless `show --reveal` asks for it.
enum TokenReport {
    static func scopes(of set: TokenSet) -> [String] {
        set.scope.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    }

    static func hasRefreshToken(_ set: TokenSet) -> Bool {
        guard let refresh = set.refreshToken else { return false }
        return !refresh.isEmpty
    }

    /// The `status --json` object for one token set.
    static func summaryValue(_ set: TokenSet, now: Int) -> JSONValue {
        .object([
            "resource_server": .string(set.resourceServer),
            "scopes": .array(scopes(of: set).map(JSONValue.string)),
            "expires_at_seconds": .integer(set.expiresAtSeconds),
            "expires_at": .string(TimeText.iso8601(set.expiresAtSeconds)),
            "expires_in_seconds": .integer(set.expiresAtSeconds - now),
            "expired": .bool(now >= set.expiresAtSeconds),
            "refresh_token_present": .bool(hasRefreshToken(set)),
        ])
    }

    /// `2024-05-01T12:00:00Z (in 3h 2m)` or `... (expired 2d ago)`.
    static func expiryText(_ set: TokenSet, now: Int) -> String {
        "\(TimeText.iso8601(set.expiresAtSeconds)) (\(TimeText.relative(expiresAt: set.expiresAtSeconds, now: now)))"
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

    /// Aligned `label  value` lines.
    static func table(_ rows: [(String, String)], indent: Int) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        let margin = String(repeating: " ", count: indent)
        return rows.map { margin + $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 + "\n" }.joined()
    }
}
