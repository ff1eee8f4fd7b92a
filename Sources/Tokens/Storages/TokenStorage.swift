/// Somewhere a `TokenMap` is kept: the Swift form of Fair Research Login's token storage
/// (`write_tokens`, `read_tokens`, `clear_tokens`).
///
/// Contract, shared by every storage in this package (`checkStorageContract` in the
/// StorageContract test-support target checks it):
/// - `writeTokens` first checks the map (`TokenMap.validate()`: each set filed under its own
///   resource server, `tokenType` "Bearer") and then replaces the whole map this storage holds
///   (its file, INI section or vault namespace) with `tokens`; other sections or namespaces
///   are left as they were. The write is atomic: afterwards a reader sees the old map or the
///   new one, never a mix, and a write that throws leaves the previous contents intact.
/// - `readTokens` returns the stored map, or an empty map when nothing has been stored yet.
///   Data that exists but cannot be read (malformed, fails validation, wrong key) throws; it is
///   never reported as empty. Every set it returns has passed `verify_token_group`'s rules.
/// - `clearTokens` removes what this storage holds; clearing an empty storage succeeds, and
///   a later `readTokens` returns an empty map.
/// - `update` is a read-modify-write. The default below is not atomic against other processes;
///   a storage that can lock (the vault) overrides it so that concurrent updates lose nothing.
/// - Errors say which file and what went wrong (the file storages throw `TokenStorageError`),
///   never a token value.
public protocol TokenStorage: Sendable {
    func writeTokens(_ tokens: TokenMap) throws
    func readTokens() throws -> TokenMap
    func clearTokens() throws
    /// Reads the map, lets `body` change it, writes it back, and returns what `body` returned.
    /// If `body` throws, nothing is written.
    func update<Result>(_ body: (inout TokenMap) throws -> Result) throws -> Result
}

extension TokenStorage {
    public func update<Result>(_ body: (inout TokenMap) throws -> Result) throws -> Result {
        var tokens = try readTokens()
        let original = tokens
        let result = try body(&tokens)
        if tokens != original {
            try writeTokens(tokens)
        }
        return result
    }
}
