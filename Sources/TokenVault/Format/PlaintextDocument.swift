internal import FoundationEssentials
internal import Tokens
internal import VaultCrypto

/// The plaintext schema: `{"frl_vault":1,"namespaces":{"<namespace>":{"<resource server>":
/// {<Fair Research Login token-set keys>}}}}`, UTF-8 JSON, then ISO/IEC 7816-4 padding.
enum PlaintextDocument {
    private struct Schema: Codable {
        var formatVersion: Int
        var namespaces: Namespaces

        enum CodingKeys: String, CodingKey {
            case formatVersion = "frl_vault"
            case namespaces
        }
    }

    /// The namespace maps, decoded one namespace at a time so that a token set failing the
    /// Tokens module's rules is reported with the namespace it sits in.
    private struct Namespaces: Codable {
        var maps: [String: TokenMap]

        init(_ maps: [String: TokenMap]) {
            self.maps = maps
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: NamespaceKey.self)
            var maps: [String: TokenMap] = [:]
            for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                do {
                    maps[key.stringValue] = try container.decode(TokenMap.self, forKey: key)
                } catch let error as TokenFormatError {
                    throw InvalidNamespace(namespace: key.stringValue, error: error)
                }
            }
            self.maps = maps
        }

        func encode(to encoder: any Encoder) throws {
            try maps.encode(to: encoder)
        }
    }

    private struct NamespaceKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct InvalidNamespace: Error {
        var namespace: String
        var error: TokenFormatError
    }

    /// The padded plaintext of `document`, in secure memory. Every map must pass the Tokens
    /// module's validation: a vault never stores what it would refuse to read.
    static func encode(_ document: VaultDocument, path: String) throws(VaultError) -> SecureBytes {
        try validate(document.namespaces, path: path)
        let encoder = JSONEncoder()
        // Sorted keys make the plaintext (and the test vectors) deterministic.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json: Data
        do {
            json = try encoder.encode(Schema(formatVersion: VaultFormat.plaintextVersion, namespaces: Namespaces(document.namespaces)))
        } catch {
            throw .invalidTokenData(path: path, reason: "the token map cannot be encoded as JSON")
        }
        // The encoder's own intermediate buffers are beyond reach; its result at least is
        // wiped once it has been copied into secure memory.
        defer { json.withUnsafeMutableBytes { SecureMemory.wipe($0) } }
        do {
            return try json.withUnsafeBytes { bytes in
                Result { () throws(CryptoError) in
                    try Padding.pad(bytes, toCount: PlaintextPadding.paddedCount(forContentCount: bytes.count))
                }
            }.get()
        } catch {
            throw VaultError(error, path: path)
        }
    }

    /// Parses a padded plaintext. The padding is checked first (`damaged`), then the JSON and
    /// every token set (`invalidTokenData`).
    static func decode(_ padded: SecureBytes, path: String) throws(VaultError) -> VaultDocument {
        let contentCount: Int
        do { contentCount = try Padding.unpaddedCount(of: padded) } catch { throw VaultError(error, path: path) }
        let schema: Schema
        do {
            schema = try padded.withUnsafeBytes { bytes in
                // No copy of the plaintext: the decoder reads the secure buffer in place.
                let view = Data(
                    bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: contentCount,
                    deallocator: .none)
                return try JSONDecoder().decode(Schema.self, from: view)
            }
        } catch let error as InvalidNamespace {
            throw .invalidTokenData(path: path, reason: "\(displayName(error.namespace)): \(error.error)")
        } catch {
            // DecodingError's text can quote values; name only the failure's kind.
            throw .invalidTokenData(path: path, reason: PlaintextDocument.redactedReason(error))
        }
        guard schema.formatVersion == VaultFormat.plaintextVersion else {
            throw .invalidTokenData(path: path, reason: "plaintext document version \(schema.formatVersion) is not \(VaultFormat.plaintextVersion)")
        }
        try validate(schema.namespaces.maps, path: path)
        return VaultDocument(namespaces: schema.namespaces.maps)
    }

    /// The Tokens module's map rules (each set valid and filed under its own resource server).
    private static func validate(_ namespaces: [String: TokenMap], path: String) throws(VaultError) {
        for namespace in namespaces.keys.sorted() {
            do {
                try namespaces[namespace]?.validate()
            } catch {
                throw .invalidTokenData(path: path, reason: "\(displayName(namespace)): \(error)")
            }
        }
    }

    /// Namespaces are not secret, but a plaintext written by someone else could hold anything;
    /// show only names that look like names (the Tokens module's rule for resource servers,
    /// with upper case allowed).
    static func displayName(_ namespace: String) -> String {
        let showable = !namespace.isEmpty && namespace.utf8.count <= 64
            && namespace.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
            }
        return showable ? "namespace '\(namespace)'" : "a namespace"
    }

    /// A reason naming where the JSON failed but never a value. Coding paths are shown only
    /// through `displayName`'s filter, since keys could be anything.
    private static func redactedReason(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "the plaintext is not valid JSON" }
        func location(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            guard !keys.isEmpty else { return "the document" }
            let joined = keys.joined(separator: ".")
            return displayName(joined) == "a namespace" ? "a nested member" : joined
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" in \(location(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(location(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the plaintext is not valid JSON" : "invalid value at \(location(context))"
        @unknown default:
            return "the plaintext is not a token document"
        }
    }
}

/// How long a plaintext is padded to before encryption. Readers do not need this: unpadding
/// finds the 0x80 marker wherever it is.
enum PlaintextPadding {
    /// Every vault's plaintext is at least this long, so the file size of a vault holding up to
    /// roughly ten token sets (~350 bytes of JSON each) says nothing about how many it holds.
    static let minimumCount = 4096
    /// Above the minimum the size grows in steps of 1/16 of the enclosing power of two (and at
    /// least 1 KiB): at most ~6% overhead, and the size reveals only ~4 bits beyond the
    /// order of magnitude of the number of tokens.
    static let stepsPerPowerOfTwo = 16
    static let minimumStep = 1024

    static func paddedCount(forContentCount contentCount: Int) -> Int {
        let needed = contentCount + 1  // sodium_pad always adds at least the 0x80 byte
        guard needed > minimumCount else { return minimumCount }
        let enclosingPowerOfTwo = 1 << (Int.bitWidth - (needed - 1).leadingZeroBitCount)
        let step = max(minimumStep, enclosingPowerOfTwo / stepsPerPowerOfTwo)
        return (needed + step - 1) / step * step
    }
}
