import FoundationEssentials
import Testing
@testable import TokenVault
import VaultCrypto

/// One committed file per error a reader must report (tools/vectors/negative_vectors.py built
/// them with the independent implementation's sealing code, changing one thing each): every
/// one is refused with exactly the error SECURITY.md section 4 names for its step.
@Suite("Negative vectors")
struct NegativeVectorTests {
    struct NegativeVector: Codable, Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var keyfile: String
        /// The VaultError case, by name.
        var error: String
        /// A fragment of the error's description ("" for none).
        var reason: String
        var testDescription: String { name }
    }

    static let vectors: [NegativeVector] = {
        do {
            let index = VaultVectors.directory.appending(path: "negative.json")
            return try JSONDecoder().decode([NegativeVector].self, from: Data(contentsOf: index))
        } catch {
            return []
        }
    }()

    @Test("there is one for every step of the reading order")
    func everyStepHasOne() {
        let errors = Set(Self.vectors.map(\.error))
        #expect(errors == ["notAVault", "damaged", "unsupportedVersion", "unsafeKDFParameters", "keyKindMismatch", "wrongKey", "invalidTokenData"])
        #expect(Self.vectors.count >= 35)
    }

    @Test("each is refused with the error its step names", arguments: vectors)
    func refused(vector: NegativeVector) throws {
        let bytes = [UInt8](try Data(contentsOf: VaultVectors.directory.appending(path: vector.file)))
        let key = try Array(vector.keyfile.utf8).withUnsafeBytes { try KeyfileFormat.parse($0, path: vector.name) }
        let codec = VaultCodec(keyMaterial: .rawKey(key))
        #expect {
            _ = try codec.decode(bytes, path: vector.name)
        } throws: { error in
            guard let error = error as? VaultError else { return false }
            let kind = Mirror(reflecting: error).children.first?.label
            #expect(kind == vector.error, "\(vector.name): \(error)")
            #expect(vector.reason.isEmpty || error.description.contains(vector.reason), "\(vector.name): \(error)")
            return kind == vector.error
        }
    }
}
