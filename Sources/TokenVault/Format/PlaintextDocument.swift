internal import Tokens
internal import VaultCrypto

/// The plaintext schema: `{"frl_vault":1,"namespaces":{"<namespace>":{"<resource server>":
/// {<Fair Research Login token-set keys>}}}}`, UTF-8 JSON, then ISO/IEC 7816-4 padding.
enum PlaintextDocument {
    /// The padded plaintext of `document`, written directly into secure memory. Every map must
    /// pass the Tokens module's validation: a vault never stores what it would refuse to read.
    /// `spare`, a wiped secure buffer, is written into instead of allocating one when the
    /// document pads to its size (a secure allocation costs about ten system calls, and
    /// locking and zeroing its pages).
    static func encode(
        _ document: VaultDocument, path: String, reusing spare: SecureBytes? = nil
    ) throws(VaultError) -> SecureBytes {
        let sorted = PlaintextWriter.Sorted(document.namespaces)
        if !sorted.everySetValid {
            // Something breaks a rule: the Tokens module words the error (and picks the set).
            try validate(document.namespaces, path: path)
        }
        var measured: Int?
        if let spare {
            let attempt = try writeInOnePass(sorted, into: spare, path: path)
            if let padded = attempt.padded { return padded }
            measured = attempt.contentCount
        }
        let contentCount = measured ?? PlaintextWriter.contentCount(of: sorted)
        let paddedCount = PlaintextPadding.paddedCount(forContentCount: contentCount)
        do {
            let padded = try SecureBytes(count: paddedCount)
            let written = padded.withUnsafeMutableBytes { PlaintextWriter.write(sorted, into: $0) }
            // Both passes ran the same code over the same immutable values.
            precondition(written == contentCount, "plaintext writer passes disagree")
            try Padding.pad(padded, contentCount: contentCount)
            return padded
        } catch {
            throw VaultError(error, path: path)
        }
    }

    /// The common case of a rewrite: the document still pads to the spare buffer's size, so
    /// it is written straight into it, skipping the counting pass (a fifth of an encode).
    /// When it does not fit or pads to another size, the spare is wiped again and dropped (it
    /// holds part of a plaintext), and the pass still measured the content, so no counting
    /// pass is needed either.
    private static func writeInOnePass(
        _ sorted: PlaintextWriter.Sorted, into spare: SecureBytes, path: String
    ) throws(VaultError) -> (padded: SecureBytes?, contentCount: Int) {
        let written = spare.withUnsafeMutableBytes { PlaintextWriter.write(sorted, intoAtMost: $0) }
        guard written.fits, PlaintextPadding.paddedCount(forContentCount: written.count) == spare.count else {
            spare.wipe()
            return (nil, written.count)
        }
        do { try Padding.pad(spare, contentCount: written.count) } catch { throw VaultError(error, path: path) }
        return (spare, written.count)
    }

    /// Parses a padded plaintext. The padding is checked first (`damaged`), then the JSON and
    /// every token set (`invalidTokenData`).
    static func decode(_ padded: SecureBytes, path: String) throws(VaultError) -> VaultDocument {
        let contentCount: Int
        do { contentCount = try Padding.unpaddedCount(of: padded) } catch { throw VaultError(error, path: path) }
        do {
            let namespaces = try padded.withUnsafeBytes { (bytes) throws(PlaintextParser.Failure) -> [String: TokenMap] in
                try PlaintextParser.namespaces(in: UnsafeRawBufferPointer(rebasing: bytes[..<contentCount]))
            }
            return VaultDocument(namespaces: namespaces)
        } catch {
            throw .invalidTokenData(path: path, reason: reason(for: error))
        }
    }

    /// `decode` of an unpadded content, each set's strings left where they lie in it (see
    /// `VaultTokenStorage.withLentNamespaces`).
    static func decodeLent(_ content: UnsafeRawBufferPointer, path: String) throws(VaultError) -> [String: LentTokenMap] {
        do {
            return try PlaintextParser.lentNamespaces(in: content)
        } catch {
            throw .invalidTokenData(path: path, reason: reason(for: error))
        }
    }

    private static func reason(for failure: PlaintextParser.Failure) -> String {
        switch failure {
        case .syntax(let offset): "the plaintext is not valid JSON (byte \(offset))"
        case .wrongType(let location): "wrong type at \(location)"
        case .missing(let member, let location): "missing \"\(member)\" in \(location)"
        case .duplicate(let location): "duplicate member in \(location)"
        case .tooDeep: "the plaintext nests deeper than \(PlaintextParser.maximumDepth) levels"
        case .version(let version): "plaintext document version \(version) is not \(VaultFormat.plaintextVersion)"
        case .tokenSet(let namespace, let error): "\(displayName(namespace)): \(error)"
        }
    }

    /// The Tokens module's map rules (each set valid and filed under its own resource server).
    /// Only called when the writer's own check of the same rules failed: validate() sorts
    /// every key to pick the same set to blame each time, which for 10,000 sets is costly.
    /// Should validate() ever pass a map that check refused, the map is written as before.
    private static func validate(_ namespaces: [String: TokenMap], path: String) throws(VaultError) {
        for namespace in namespaces.keys.sorted() {
            do {
                try namespaces[namespace]?.validate()
            } catch {
                throw .invalidTokenData(path: path, reason: "\(displayName(namespace)): \(error)")
            }
        }
    }

    /// Namespaces are not secret, but a plaintext written by someone else could hold anything
    /// where a name belongs; only names that look like names are shown (the Tokens module's
    /// rule for resource servers, with upper case allowed).
    static func isShowable(_ namespace: String) -> Bool {
        !namespace.isEmpty && namespace.utf8.count <= 64
            && namespace.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
            }
    }

    static func displayName(_ namespace: String) -> String {
        isShowable(namespace) ? "namespace '\(namespace)'" : "a namespace"
    }

    /// A namespace as a path component in error locations.
    static func shownName(_ namespace: String) -> String {
        isShowable(namespace) ? namespace : "<withheld>"
    }
}

/// How long a plaintext is padded to before encryption. Readers do not need this: unpadding
/// finds the 0x80 marker wherever it is.
enum PlaintextPadding {
    /// Every vault's plaintext is at least this long, so the file size of a vault holding up to
    /// roughly ten token sets (~350 bytes of JSON each) says nothing about how many it holds.
    static let minimumCount = 4096
    /// Above the minimum the size grows in steps of 1/16 of the enclosing power of two (and at
    /// least 1 KiB): at most 12.5% overhead past 16 KiB (just above a power of two the step is
    /// 1/8 of the content), and the size reveals only ~4 bits beyond the order of magnitude
    /// of the number of tokens.
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
