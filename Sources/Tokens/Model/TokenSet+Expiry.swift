public import FoundationEssentials

extension TokenSet {
    /// Python's `is_expired`: `time.time() >= expires_at_seconds`.
    public func isExpired(now: Date = Date()) -> Bool {
        now.timeIntervalSince1970 >= Double(expiresAtSeconds)
    }
}

extension Dictionary where Key == String, Value == TokenSet {
    /// The resource servers whose tokens have expired, sorted (Python's `check_expired` raises
    /// `TokensExpired` naming these; whether a refresh token exists does not matter).
    public func expiredResourceServers(now: Date = Date()) -> [String] {
        filter { $0.value.isExpired(now: now) }.map(\.key).sorted()
    }
}
