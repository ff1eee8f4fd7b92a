internal import Synchronization

/// Tokens kept in memory only: for tests, and for apps that must not persist tokens. A class,
/// so that every reference shares one map; `update` holds the lock across read, change and
/// write, so concurrent updates lose nothing.
public final class MemoryTokenStorage: TokenStorage {
    private let tokens: Mutex<TokenMap>

    public init(_ tokens: TokenMap = [:]) {
        self.tokens = Mutex(tokens)
    }

    public func readTokens() -> TokenMap {
        tokens.withLock { $0 }
    }

    public func writeTokens(_ newTokens: TokenMap) throws(TokenFormatError) {
        try newTokens.validate()
        tokens.withLock { $0 = newTokens }
    }

    public func clearTokens() {
        tokens.withLock { $0 = [:] }
    }

    public func update<Result>(_ body: (inout TokenMap) throws -> Result) throws -> Result {
        try tokens.withLock { stored in
            var working = stored
            let result = try body(&working)
            try working.validate()
            stored = working
            return result
        }
    }
}
