internal import VaultCrypto

/// Proof Key for Code Exchange (RFC 7636) with the S256 method: the authorize URL carries
/// `codeChallenge`, the token request later proves possession with `codeVerifier`, so a code
/// intercepted on its way back (another local program reading the redirect) is useless alone.
public struct PKCE: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret half: 43 to 128 characters of `[A-Za-z0-9-._~]`.
    public let codeVerifier: String
    /// BASE64URL(SHA256(ASCII(codeVerifier))), sent in the authorize URL.
    public let codeChallenge: String
    /// Always "S256"; the "plain" method would send the secret itself in the URL.
    public static let challengeMethod = "S256"

    /// The verifier's random bytes: 32 bytes give the RFC's recommended 43 characters.
    public static let defaultVerifierByteCount = 32
    /// RFC 7636 section 4.1 bounds on the verifier's length.
    public static let verifierLengthRange = 43...128

    /// A fresh verifier of `verifierByteCount` random bytes (32...96, giving 43...128
    /// characters) and its challenge.
    public init(verifierByteCount: Int = PKCE.defaultVerifierByteCount) {
        let byteCount = min(max(verifierByteCount, 32), 96)
        let verifier = RandomString.base64URL(byteCount: byteCount)
        self.codeVerifier = verifier
        self.codeChallenge = PKCE.challenge(for: verifier)
    }

    /// Uses a given verifier (known-answer tests); `nil` unless it has the RFC's length and
    /// alphabet.
    public init?(codeVerifier: String) {
        guard PKCE.verifierLengthRange.contains(codeVerifier.utf8.count),
              codeVerifier.utf8.allSatisfy(FormEncoding.isUnreserved) else { return nil }
        self.codeVerifier = codeVerifier
        self.codeChallenge = PKCE.challenge(for: codeVerifier)
    }

    static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(Array(verifier.utf8)))
    }

    public var description: String { "PKCE(S256, verifier redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["codeChallenge": codeChallenge]) }
}
