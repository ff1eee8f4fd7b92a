public import Tokens

/// One token set read in place from a decrypted vault, for reports that print every set once
/// (`frl-vault status`, `show`, `export`): its strings are the plaintext's own bytes, so a
/// thousand sets cost no thousands of Strings. Valid only inside the
/// `VaultTokenStorage.withNamespaceViews` call that lent it: it must not escape. Every set has
/// passed exactly the validation `readTokens` applies.
public struct TokenSetView {
    public let resourceServer: TokenText
    public let scope: TokenText
    public let accessToken: TokenText
    /// Nil when the set has none (absent, null or empty, as `TokenSet` normalises it).
    public let refreshToken: TokenText?
    public let expiresAtSeconds: Int

    /// "Bearer": the validation every set has passed allows nothing else, so it is not stored
    /// (a fifth less memory for a thousand views, and a fifth fewer page faults).
    public var tokenType: TokenText { TokenText(knownPlainASCII: "Bearer") }

    init(resourceServer: TokenText, scope: TokenText, accessToken: TokenText, refreshToken: TokenText?, expiresAtSeconds: Int) {
        self.resourceServer = resourceServer
        self.scope = scope
        self.accessToken = accessToken
        self.refreshToken = refreshToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiresAtSeconds = expiresAtSeconds
    }

    /// A set that was not in the canonical shape, validated the long way.
    init(_ set: TokenSet) {
        self.init(
            resourceServer: TokenText(set.resourceServer), scope: TokenText(set.scope), accessToken: TokenText(set.accessToken),
            refreshToken: set.refreshToken.map { TokenText($0) }, expiresAtSeconds: set.expiresAtSeconds)
    }

    /// The set as an ordinary value, copied out of the plaintext.
    public var tokenSet: TokenSet {
        TokenSet(
            scope: scope.string, accessToken: accessToken.string, refreshToken: refreshToken?.string,
            expiresAtSeconds: expiresAtSeconds, resourceServer: resourceServer.string)
    }
}

/// A string field of a `TokenSetView`: the UTF-8 bytes of the plaintext itself when the field
/// was stored without escapes (nearly always), else the decoded String.
public struct TokenText {
    @usableFromInline
    enum Storage {
        case borrowed(UnsafeBufferPointer<UInt8>, PlaintextLease)
        case owned(String)
    }

    @usableFromInline
    let storage: Storage

    /// True when the text is known to be printable ASCII without `"` or `\\` (as a vault this
    /// package wrote holds nearly every string), so it can be written as it is into JSON or
    /// onto a terminal. False says nothing either way.
    public let isKnownPlainASCII: Bool

    /// Bytes already checked to be valid UTF-8 without control characters.
    init(borrowing bytes: UnsafeBufferPointer<UInt8>, lease: PlaintextLease, isKnownPlainASCII: Bool = false) {
        storage = .borrowed(bytes, lease)
        self.isKnownPlainASCII = isKnownPlainASCII
    }

    init(_ text: String) {
        storage = .owned(text)
        isKnownPlainASCII = false
    }

    /// Text known to be printable ASCII without `"` or `\\`, so reports copy it as it is.
    init(knownPlainASCII text: String) {
        storage = .owned(text)
        isKnownPlainASCII = true
    }

    // Inlinable: reports call this for every field of every set, and a generic call across
    // modules costs more than the field's copy.
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch storage {
        case .borrowed(let bytes, let lease): return try body(Self.checked(bytes, lease))
        case .owned(var text): return try text.withUTF8(body)
        }
    }

    public var string: String {
        switch storage {
        case .borrowed(let bytes, let lease): String(decoding: Self.checked(bytes, lease), as: UTF8.self)
        case .owned(let text): text
        }
    }

    public var isEmpty: Bool {
        switch storage {
        case .borrowed(let bytes, _): bytes.isEmpty
        case .owned(let text): text.isEmpty
        }
    }

    /// Whether this text borrowed plaintext that is gone (for tests of the lease).
    var isExpired: Bool {
        if case .borrowed(_, let lease) = storage { return !lease.isActive }
        return false
    }

    // Not inlinable: the lease check stays compiled into this module, whatever optimisation
    // settings a client builds with.
    @usableFromInline
    static func checked(_ bytes: UnsafeBufferPointer<UInt8>, _ lease: PlaintextLease) -> UnsafeBufferPointer<UInt8> {
        precondition(lease.isActive, "a TokenSetView was used after the withNamespaceViews call that lent it returned")
        return bytes
    }

    /// Byte equality, for checks such as "is this the resource server it is filed under".
    func equals(_ text: String) -> Bool {
        var text = text
        return withUTF8 { mine in text.withUTF8 { mine.elementsEqual($0) } }
    }
}

/// One namespace's token sets, in code point order of their resource servers.
public struct NamespaceView {
    public let name: String
    public let tokenSets: [TokenSetView]

    /// The namespace as an ordinary map, copied out of the plaintext.
    public var tokenMap: TokenMap {
        Dictionary(tokenSets.map { ($0.resourceServer.string, $0.tokenSet) }, uniquingKeysWith: { _, last in last })
    }
}

// Printing a view shows what the set is for, never a token (as `TokenSet` does).
extension TokenSetView: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "TokenSetView(resource server: \(resourceServer.string), expires at: \(expiresAtSeconds), "
            + "refresh token: \(refreshToken == nil ? "absent" : "present"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["resourceServer": resourceServer.string, "expiresAtSeconds": expiresAtSeconds], displayStyle: .struct)
    }
}

extension TokenText: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TokenText(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
