public import Tokens

/// One token set read in place from a decrypted vault, for reports that print every set once
/// (`frl-vault status`, `show`, `export`): its strings are the plaintext's own bytes, so a
/// thousand sets cost no thousands of Strings. Valid only inside the
/// `VaultTokenStorage.withNamespaceViews` call that lent it: it must not escape. Every set has
/// passed exactly the validation `readTokens` applies.
public struct TokenSetView {
    @usableFromInline
    let fields: Fields
    public let expiresAtSeconds: Int

    /// Where the four strings are. A thousand views are made and read once per report, so
    /// the usual case keeps the plaintext's address and lease once, not in each of four
    /// `TokenText`s: a view is 72 bytes instead of 168, with as many fewer pages to fault in.
    @usableFromInline
    enum Fields {
        /// Every string lies unescaped in the lent plaintext (what the canonical read gives).
        case inPlace(InPlace)
        /// Anything else (a decoded escape, a set read the long way, a cached document): a
        /// `TokenText` each, in one allocation per set.
        case texts(Texts)
    }

    @usableFromInline
    struct InPlace {
        @usableFromInline
        let base: UnsafePointer<UInt8>
        @usableFromInline
        let lease: PlaintextLease
        /// Offset and length from `base` of the resource server, scope, access token and
        /// refresh token (the canonical read gives larger contents to the general parser).
        @usableFromInline
        let spans: (Span, Span, Span, Span)
        /// Bit i: field i is known plain ASCII; bit 4: there is a refresh token.
        @usableFromInline
        let flags: UInt8

        /// Field `index` in the order of `spans`.
        @inlinable
        func text(_ index: Int) -> TokenText {
            let span = switch index {
            case 0: spans.0
            case 1: spans.1
            case 2: spans.2
            default: spans.3
            }
            return TokenText(
                borrowing: UnsafeBufferPointer(start: base + Int(span.offset), count: Int(span.count)), lease: lease,
                isKnownPlainASCII: flags & (1 << UInt8(index)) != 0)
        }
    }

    @usableFromInline
    struct Span {
        @usableFromInline
        let offset: UInt32
        @usableFromInline
        let count: UInt32
    }

    @usableFromInline
    final class Texts {
        @usableFromInline
        let resourceServer: TokenText
        @usableFromInline
        let scope: TokenText
        @usableFromInline
        let accessToken: TokenText
        @usableFromInline
        let refreshToken: TokenText?

        init(resourceServer: TokenText, scope: TokenText, accessToken: TokenText, refreshToken: TokenText?) {
            self.resourceServer = resourceServer
            self.scope = scope
            self.accessToken = accessToken
            self.refreshToken = refreshToken
        }
    }

    // Inlinable, like `TokenText.withUTF8`: reports read every field of every set, and a
    // call across modules copied the whole view each time.
    @inlinable public var resourceServer: TokenText {
        switch fields {
        case .inPlace(let place): place.text(0)
        case .texts(let texts): texts.resourceServer
        }
    }

    @inlinable public var scope: TokenText {
        switch fields {
        case .inPlace(let place): place.text(1)
        case .texts(let texts): texts.scope
        }
    }

    @inlinable public var accessToken: TokenText {
        switch fields {
        case .inPlace(let place): place.text(2)
        case .texts(let texts): texts.accessToken
        }
    }

    /// Nil when the set has none (absent, null or empty, as `TokenSet` normalises it).
    @inlinable public var refreshToken: TokenText? {
        switch fields {
        case .inPlace(let place): place.flags & 0x10 != 0 ? place.text(3) : nil
        case .texts(let texts): texts.refreshToken
        }
    }

    /// "Bearer": the validation every set has passed allows nothing else, so it is not stored.
    public var tokenType: TokenText { TokenText(knownPlainASCII: "Bearer") }

    /// A set whose strings all lie in the plaintext at `base`, as `PlainText` spans of it;
    /// nil spans are absent (a missing refresh token). `known` says which are plain ASCII.
    init(in base: UnsafePointer<UInt8>, lease: PlaintextLease, resourceServer: Span, scope: Span, accessToken: Span,
         refreshToken: Span?, knownPlainASCII known: (Bool, Bool, Bool, Bool), expiresAtSeconds: Int) {
        var flags: UInt8 = 0
        if known.0 { flags |= 1 }
        if known.1 { flags |= 2 }
        if known.2 { flags |= 4 }
        if known.3 { flags |= 8 }
        let refresh = refreshToken ?? Span(offset: 0, count: 0)
        if refresh.count > 0 { flags |= 0x10 }
        fields = .inPlace(InPlace(base: base, lease: lease, spans: (resourceServer, scope, accessToken, refresh), flags: flags))
        self.expiresAtSeconds = expiresAtSeconds
    }

    init(resourceServer: TokenText, scope: TokenText, accessToken: TokenText, refreshToken: TokenText?, expiresAtSeconds: Int) {
        fields = .texts(Texts(
            resourceServer: resourceServer, scope: scope, accessToken: accessToken,
            refreshToken: refreshToken.flatMap { $0.isEmpty ? nil : $0 }))
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
    @usableFromInline
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
