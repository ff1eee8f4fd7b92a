import Foundation
@testable import NativeLogin
import Testing
import VaultCrypto

@Suite("PKCE and encodings")
struct PKCETests {
    /// RFC 7636 Appendix B: the octets, the verifier they encode to, its digest and challenge.
    @Test func rfc7636AppendixB() throws {
        let octets: [UInt8] = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173,
                               187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83,
                               132, 141, 121]
        let verifier = Base64URL.encode(octets)
        #expect(verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(SHA256.hash(Array(verifier.utf8)) == [19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46,
                                                      8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203,
                                                      112, 249, 195])
        let pkce = try #require(PKCE(codeVerifier: verifier))
        #expect(pkce.codeChallenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.challengeMethod == "S256")
    }

    /// FIPS 180-2 examples and the empty message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(message: String, digest: String) {
        let hex = SHA256.hash(Array(message.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == digest)
    }

    @Test func freshVerifiersAreRandomAndWellFormed() {
        let verifiers = (0..<64).map { _ in PKCE().codeVerifier }
        #expect(Set(verifiers).count == verifiers.count)
        for verifier in verifiers {
            #expect(verifier.count == 43)
            #expect(PKCE(codeVerifier: verifier) != nil, "a generated verifier passes the RFC's own checks")
        }
        #expect(PKCE(verifierByteCount: 96).codeVerifier.count == 128)
        #expect(PKCE(verifierByteCount: 1000).codeVerifier.count == 128, "clamped to the RFC's maximum")
        #expect(PKCE(verifierByteCount: 0).codeVerifier.count == 43, "clamped to the RFC's minimum")
    }

    @Test(arguments: [
        String(repeating: "a", count: 42), String(repeating: "a", count: 129),
        String(repeating: "a", count: 42) + "+", String(repeating: "a", count: 42) + "/",
        String(repeating: "a", count: 42) + "=", String(repeating: "a", count: 42) + " ", String(repeating: "é", count: 43),
    ])
    func malformedVerifiersAreRefused(verifier: String) {
        #expect(PKCE(codeVerifier: verifier) == nil)
    }

    @Test func verifierBoundaryLengthsAreAccepted() {
        #expect(PKCE(codeVerifier: String(repeating: "~", count: 43)) != nil)
        #expect(PKCE(codeVerifier: String(repeating: "-", count: 128)) != nil)
    }

    /// RFC 4648 section 10 vectors, unpadded and with the URL-safe alphabet.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
                      ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func base64URLVectors(input: String, encoded: String) {
        #expect(Base64URL.encode(Array(input.utf8)) == encoded)
    }

    @Test func base64URLUsesTheURLSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            let standard = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == standard)
        }
    }

    @Test func formEncodingEscapesEverythingButUnreserved() {
        #expect(FormEncoding.escape("a b+c:d/é&=%") == "a%20b%2Bc%3Ad%2F%C3%A9%26%3D%25")
        #expect(FormEncoding.escape("AZaz09-._~") == "AZaz09-._~")
        let fields = [("scope", "openid urn:globus:auth:scope:x:all"), ("n+x", "1&2=3"), ("empty", "")]
        let decoded = FormEncoding.decode(Substring(FormEncoding.encode(fields.map { (name: $0.0, value: $0.1) })))
        #expect(decoded == ["scope": "openid urn:globus:auth:scope:x:all", "n+x": "1&2=3", "empty": ""])
    }

    @Test func formDecodingToleratesMalformedInput() {
        #expect(FormEncoding.decode("a=%zz&b=%4&c=%41+b&&=x&d") == ["a": "%zz", "b": "%4", "c": "A b", "": "x", "d": ""])
        #expect(FormEncoding.decode("code=1&code=2") == ["code": "1"], "the first of repeated names wins")
        #expect(FormEncoding.decode("x=%FF%FE")["x"] == "\u{FFFD}\u{FFFD}", "invalid UTF-8 becomes replacement characters")
    }
}
