public import Tokens

/// A broken promise of the `TokenStorage` contract: which check, and what was seen instead.
/// Descriptions name resource servers and counts, never token values.
public struct ContractViolation: Error, CustomStringConvertible, Sendable {
    public let check: String
    public let detail: String

    public var description: String { "storage contract violated: \(check): \(detail)" }
}

/// Runs the `TokenStorage` contract against a storage and throws the first violation.
///
/// `makeStorage` must return a storage over the same backing (file, section, vault, shared
/// object) each time it is called, and that backing must start empty: the last check makes a
/// fresh instance and expects it to see what an earlier one wrote. The backing is left
/// holding one token set.
public func checkStorageContract(_ makeStorage: () throws -> any TokenStorage) throws {
    let storage = try makeStorage()
    let first = ContractSamples.first
    let second = ContractSamples.second

    try expect("an empty storage reads as an empty map", try storage.readTokens(), equals: [:])

    try storage.writeTokens(first)
    try expect("a write reads back unchanged", try storage.readTokens(), equals: first)

    try storage.writeTokens(second)
    try expect("a write replaces the whole map, dropping sets it does not name", try storage.readTokens(), equals: second)

    try storage.clearTokens()
    try expect("clear leaves an empty map", try storage.readTokens(), equals: [:])
    try storage.clearTokens()
    try expect("clearing an empty storage succeeds and stays empty", try storage.readTokens(), equals: [:])

    let returned = try storage.update { tokens -> String in
        tokens.merge(first) { _, new in new }
        return "marker"
    }
    guard returned == "marker" else {
        throw ContractViolation(check: "update returns what its body returns", detail: "got a different value")
    }
    try expect("update persists the body's change", try storage.readTokens(), equals: first)

    struct BodyFailure: Error {}
    do {
        try storage.update { tokens in
            tokens = second
            throw BodyFailure()
        }
        throw ContractViolation(check: "update rethrows its body's error", detail: "it returned normally")
    } catch is BodyFailure {
        // The error came through, as it must.
    }
    try expect("an update whose body throws writes nothing", try storage.readTokens(), equals: first)

    let fresh = try makeStorage()
    try expect("a fresh instance on the same backing reads what was written", try fresh.readTokens(), equals: first)
}

private func expect(_ check: String, _ actual: @autoclosure () throws -> TokenMap, equals expected: TokenMap) throws {
    let value: TokenMap
    do {
        value = try actual()
    } catch {
        throw ContractViolation(check: check, detail: "reading threw: \(error)")
    }
    guard value == expected else {
        throw ContractViolation(check: check, detail: "read \(summary(value)), expected \(summary(expected))")
    }
}

/// Resource servers and which field differs is enough to debug; token values stay out.
private func summary(_ tokens: TokenMap) -> String {
    tokens.isEmpty ? "an empty map" : "[" + tokens.keys.sorted().joined(separator: ", ") + "]"
}

/// Token sets that exercise the awkward parts of every format: a server with underscores, a
/// missing refresh token, characters JSON escapes and INI must keep, a negative expiry.
public enum ContractSamples {
    public static let first: TokenMap = map([
        TokenSet(
            scope: "openid profile email", accessToken: "contract-access-1", refreshToken: "contract-refresh-1",
            expiresAtSeconds: 1_700_000_000, resourceServer: "auth.globus.org"),
        TokenSet(
            scope: "urn:globus:auth:scope:transfer.api.globus.org:all", accessToken: "contract-access-2%",
            refreshToken: nil, expiresAtSeconds: 0, resourceServer: "transfer.api.globus.org"),
        TokenSet(
            scope: "custom_scope é", accessToken: "contract/access\"3", refreshToken: "r",
            expiresAtSeconds: -5, resourceServer: "resource_server_with_underscores"),
    ])

    public static let second: TokenMap = map([
        TokenSet(
            scope: "openid", accessToken: "contract-access-4", refreshToken: nil,
            expiresAtSeconds: 2_000_000_000, resourceServer: "auth.globus.org")
    ])

    private static func map(_ sets: [TokenSet]) -> TokenMap {
        Dictionary(sets.map { ($0.resourceServer, $0) }, uniquingKeysWith: { _, last in last })
    }
}
