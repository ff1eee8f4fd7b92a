@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

@Suite("Vault format round trips")
struct FormatRoundTripTests {
    let path = "/tmp/test.vault"

    @Test("a keyfile vault opens to the document it was sealed from")
    func keyfileRoundTrip() throws {
        let file = try FormatFixtures.keyfileCodec().encode(FormatFixtures.sampleDocument, path: path)
        let decoded = try FormatFixtures.keyfileCodec().decode(file, path: path)
        #expect(decoded == FormatFixtures.sampleDocument)
        #expect(try VaultCodec.inspect(file, path: path).keyDerivation == .keyfile)
    }

    @Test("a passphrase vault opens with the same passphrase through a fresh codec")
    func passphraseRoundTrip() throws {
        let file = try FormatFixtures.passphraseCodec().encode(FormatFixtures.sampleDocument, path: path)
        let decoded = try FormatFixtures.passphraseCodec().decode(file, path: path)
        #expect(decoded == FormatFixtures.sampleDocument)
        #expect(try VaultCodec.inspect(file, path: path).keyDerivation == .argon2id(opsLimit: 1, memLimitBytes: 8192))
    }

    @Test("an empty vault round trips", arguments: [true, false])
    func emptyVault(usePassphrase: Bool) throws {
        let codec = usePassphrase ? try FormatFixtures.passphraseCodec() : try FormatFixtures.keyfileCodec()
        let file = try codec.encode(.empty, path: path)
        #expect(try codec.decode(file, path: path) == .empty)
        let withEmptyNamespace = VaultDocument(namespaces: ["tokens": [:]])
        #expect(try codec.decode(try codec.encode(withEmptyNamespace, path: path), path: path) == withEmptyNamespace)
    }

    @Test("many namespaces and many token sets round trip")
    func manyNamespaces() throws {
        var document = VaultDocument()
        for index in 0..<20 {
            document.namespaces["client-\(index)"] = FormatFixtures.tokenMap(count: index * 7, prefix: "ns\(index)-")
        }
        let codec = try FormatFixtures.keyfileCodec()
        #expect(try codec.decode(try codec.encode(document, path: path), path: path) == document)
    }
}
