internal import Synchronization
internal import VaultCrypto

/// Turns vault files into documents and back: pure bytes in, bytes out, no file I/O.
///
/// One codec serves one vault and one key. It caches the master key in secure memory for the
/// vault's (salt, Argon2id parameters), so only the first passphrase operation pays for
/// Argon2id; `encode` reuses the salt and parameters of the last successful `decode` (or of its
/// own first `encode`), which keeps the cached key valid across rewrites. A new codec starts
/// with a fresh random salt: that is how `create` and `rekey` get one.
final class VaultCodec: Sendable {
    let keyMaterial: KeyMaterial

    /// The vault this codec has settled on: its salt, its key derivation and the master key
    /// they give. Only ever set from a verified decode or from this codec's own encode.
    private struct Session {
        var salt: Argon2id.Salt
        var keyDerivation: VaultHeader.KeyDerivation
        var masterKey: SymmetricKey
    }

    private struct State: ~Copyable {
        var session: Session?
        /// The salt a new vault gets: fixed by a test vector, or drawn at random when this
        /// codec first writes a new vault (a codec that only reads never needs one).
        var saltForNewVault: Argon2id.Salt?
        /// How many times this codec has run Argon2id: the tests' evidence for the cache.
        var argon2idRuns = 0
        /// The last encode's or decode's plaintext buffer, wiped, kept for the next one of the
        /// same size (for a 4 MiB vault a fresh secure buffer, locked and zeroed page by page,
        /// costs more than its JSON takes to write).
        var spareBuffer: SecureBytes?
    }

    private let state: Mutex<State>

    init(keyMaterial: KeyMaterial) {
        self.keyMaterial = keyMaterial
        state = Mutex(State(session: nil, saltForNewVault: nil))
    }

    /// Deterministic construction for test vectors only: a new vault gets `salt`.
    init(keyMaterial: KeyMaterial, saltForNewVault salt: Argon2id.Salt) {
        self.keyMaterial = keyMaterial
        state = Mutex(State(session: nil, saltForNewVault: salt))
    }

    /// Reads the header; needs no key and does no KDF work. `file` may be only the file's
    /// first `VaultHeader.byteCountToInspect` bytes, with `fileSize` the whole file's size.
    static func inspect(_ file: [UInt8], fileSize: Int? = nil, path: String) throws(VaultError) -> VaultInfo {
        let (header, _) = try VaultHeader.parse(file, path: path)
        let keyDerivation: VaultInfo.KeyDerivation =
            switch header.keyDerivation {
            case .keyfile: .keyfile
            case .argon2id(let parameters):
                .argon2id(opsLimit: parameters.opsLimit, memLimitBytes: parameters.memLimitBytes)
            }
        return VaultInfo(formatVersion: Int(VaultFormat.version), keyDerivation: keyDerivation, fileSize: fileSize ?? file.count)
    }

    /// Opens a vault file. Errors, in the order they are checked: `notAVault`,
    /// `unsupportedVersion`, `damaged` (header), `unsafeKDFParameters` (before any KDF work),
    /// `keyKindMismatch`, `wrongKey` (key commitment), `damaged` (authentication, padding),
    /// `invalidTokenData` (JSON, token sets).
    func decode(_ file: [UInt8], path: String) throws(VaultError) -> VaultDocument {
        let padded = try openPadded(file, path: path, reusing: takeSpareBuffer())
        defer { keepAsSpare(padded) }
        return try PlaintextDocument.decode(padded, path: path)
    }

    /// Opens a vault file read straight into secure memory (its first `count` bytes) where it
    /// lies, with the same checks and errors as `decode` up to and including the padding, and
    /// lends `body` the content (the JSON without padding): no second buffer the size of the
    /// vault. `file` holds plaintext from then on, so it is wiped before this returns.
    func withContent<R>(
        openingInPlace file: SecureBytes, count: Int, path: String, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        let headerBytes = file.withUnsafeBytes { Array($0.prefix(min(count, VaultHeader.byteCountToInspect))) }
        let (header, storedCommitment) = try VaultHeader.parse(headerBytes, path: path)
        let masterKey = try verifiedMasterKey(for: header, commitment: storedCommitment, path: path)
        defer { file.wipe() }
        let padded: Range<Int>
        let contentCount: Int
        do {
            padded = try SecretBox.openInPlace(
                file, box: VaultFormat.Offset.sealedBox..<count, nonce: header.nonce, usingKeyDerivedFrom: masterKey,
                context: VaultFormat.boxKeyLabel + header.authenticatedPrefix)
            contentCount = try file.withUnsafeBytes { (bytes) throws(CryptoError) in
                try Padding.unpaddedCount(of: UnsafeRawBufferPointer(rebasing: bytes[padded]))
            }
        } catch {
            throw VaultError(error, path: path)
        }
        let content = padded.lowerBound..<(padded.lowerBound + contentCount)
        return try file.withUnsafeBytes { bytes in try body(UnsafeRawBufferPointer(rebasing: bytes[content])) }
    }

    /// A wiped buffer of an earlier encode or decode, if any, now owned by the caller alone.
    private func takeSpareBuffer() -> SecureBytes? {
        state.withLock { $0.spareBuffer.take() }
    }

    /// Wipes `buffer` and keeps it for a later encode or decode of the same size (a secure
    /// allocation and its release cost about ten system calls; a vault keeps its size).
    private func keepAsSpare(_ buffer: SecureBytes) {
        buffer.wipe()
        state.withLock { $0.spareBuffer = buffer }
    }

    /// Everything `decode` does short of parsing the plaintext: the padded plaintext, in secure
    /// memory. Internal; the test vectors use it to re-seal a vault byte for byte.
    func openPadded(_ file: [UInt8], path: String, reusing spare: SecureBytes? = nil) throws(VaultError) -> SecureBytes {
        let (header, storedCommitment) = try VaultHeader.parse(file, path: path)
        let prefix = header.authenticatedPrefix
        let masterKey = try verifiedMasterKey(for: header, commitment: storedCommitment, path: path)
        do {
            // BK = BLAKE2b-256(K, label || H), derived inside the call and wiped there.
            return try file.withUnsafeBytes { bytes in
                Result { () throws(CryptoError) -> SecureBytes in
                    let sealed = UnsafeRawBufferPointer(rebasing: bytes[VaultFormat.Offset.sealedBox...])
                    let context = VaultFormat.boxKeyLabel + prefix
                    if let spare, spare.count == sealed.count - SecretBox.macByteCount {
                        try SecretBox.open(sealed, nonce: header.nonce, usingKeyDerivedFrom: masterKey, context: context, into: spare)
                        return spare
                    }
                    return try SecretBox.open(sealed, nonce: header.nonce, usingKeyDerivedFrom: masterKey, context: context)
                }
            }.get()
        } catch {
            throw VaultError(error, path: path)
        }
    }

    /// The master key for `header`: the cached one when the header's salt and KDF are this
    /// codec's, else derived (and then cached); either way checked against the commitment
    /// first (`wrongKey`).
    private func verifiedMasterKey(for header: VaultHeader, commitment storedCommitment: [UInt8], path: String) throws(VaultError) -> SymmetricKey {
        let prefix = header.authenticatedPrefix
        return try state.withLock { (state) throws(VaultError) -> SymmetricKey in
            if let session = state.session, session.salt == header.salt, session.keyDerivation == header.keyDerivation {
                guard try commitmentMatches(storedCommitment, key: session.masterKey, prefix: prefix, path: path) else {
                    throw .wrongKey(path: path)
                }
                return session.masterKey
            }
            let candidate = try deriveMasterKey(for: header, in: &state, path: path)
            // Only a key that matches the commitment is cached and so reused for writing: a
            // wrong passphrase must never end up sealing a vault.
            guard try commitmentMatches(storedCommitment, key: candidate, prefix: prefix, path: path) else {
                throw .wrongKey(path: path)
            }
            state.session = Session(salt: header.salt, keyDerivation: header.keyDerivation, masterKey: candidate)
            return candidate
        }
    }

    /// How many times Argon2id has run for this codec (internal, for tests of the cache).
    var argon2idRuns: Int { state.withLock { $0.argon2idRuns } }

    /// Seals `document` into a complete vault file with a fresh random nonce.
    func encode(_ document: VaultDocument, path: String) throws(VaultError) -> [UInt8] {
        try encode(document, path: path, nonce: .random())
    }

    /// `encode` with a chosen nonce: internal, for the frozen test vectors only. A nonce must
    /// never be reused with one key, and the box key depends on the nonce, so production
    /// code always takes the random one above.
    func encode(_ document: VaultDocument, path: String, nonce: SecretBox.Nonce) throws(VaultError) -> [UInt8] {
        // Taken out of the state, so two threads never write into one buffer.
        let padded = try PlaintextDocument.encode(document, path: path, reusing: takeSpareBuffer())
        defer { keepAsSpare(padded) }
        return try seal(padded, path: path, nonce: nonce)
    }

    /// Writers refuse an Argon2id cost below the `interactive` preset in either dimension.
    /// Readers accept costs down to libsodium's minimum (section 7's bounds), so a toy cost
    /// would otherwise be kept by every rewrite forever; a vault that has one must be rekeyed
    /// (which reads it, then writes at the new cost).
    static func checkWritable(_ cost: Argon2idParameters, path: String) throws(VaultError) {
        let floor = Argon2idParameters.interactive
        guard cost.opsLimit < floor.opsLimit || cost.memLimitBytes < floor.memLimitBytes else { return }
        if acceptedBelowInteractive.withLock({ $0.contains(cost) }) { return }
        throw .unsafeKDFParameters(
            path: path,
            reason: "\(cost) is below the interactive preset (\(floor)), too cheap to guess against; rekey the vault with a preset")
    }

    /// Test seam: the cheap costs the test suites seal with, so that they exercise the vault
    /// and not Argon2id. Nothing outside the tests adds to it.
    static let acceptedBelowInteractive = Mutex<Set<Argon2idParameters>>([])

    /// Seals an already padded plaintext: the format layer without the JSON layer, so the test
    /// vectors can be re-sealed byte for byte whatever the JSON encoder's whitespace.
    func seal(_ padded: SecureBytes, path: String, nonce: SecretBox.Nonce) throws(VaultError) -> [UInt8] {
        let session = try currentSession(path: path)
        if case .argon2id(let cost) = session.keyDerivation { try Self.checkWritable(cost, path: path) }
        let header = VaultHeader(keyDerivation: session.keyDerivation, salt: session.salt, nonce: nonce)
        let prefix = header.authenticatedPrefix
        let file: [UInt8]
        do {
            let commitment = try BLAKE2b.hash(
                VaultFormat.commitmentLabel + prefix, key: session.masterKey,
                outputByteCount: VaultFormat.commitmentByteCount)
            let headerBytes = try VaultHeader.serialize(prefix: prefix, commitment: commitment)
            file = SecretBox.seal(
                padded, nonce: nonce, usingKeyDerivedFrom: session.masterKey, context: VaultFormat.boxKeyLabel + prefix,
                prefixedBy: headerBytes)
        } catch {
            throw VaultError(error, path: path)
        }
        // Readers refuse a larger file; sealing one would lock the tokens out for good.
        guard file.count <= VaultFormat.maximumFileSize else {
            throw .invalidTokenData(path: path, reason: "the vault would be larger than the 64 MiB readers accept")
        }
        return file
    }

    /// The session to write with: the last decoded vault's, or a new vault's (fresh salt,
    /// this codec's Argon2id cost), derived once and kept.
    private func currentSession(path: String) throws(VaultError) -> Session {
        try state.withLock { (state) throws(VaultError) -> Session in
            if let session = state.session { return session }
            let keyDerivation: VaultHeader.KeyDerivation =
                switch keyMaterial {
                case .rawKey: .keyfile
                case .passphrase(_, let parameters): .argon2id(parameters)
                }
            let salt = state.saltForNewVault ?? .random()
            state.saltForNewVault = salt
            let header = VaultHeader(keyDerivation: keyDerivation, salt: salt, nonce: .random())
            let session = Session(
                salt: salt, keyDerivation: keyDerivation,
                masterKey: try deriveMasterKey(for: header, in: &state, path: path))
            state.session = session
            return session
        }
    }

    /// K: the keyfile's key, or Argon2id(passphrase, salt, ops, mem). Refuses a key of the
    /// other kind before doing any work.
    private func deriveMasterKey(for header: VaultHeader, in state: inout State, path: String) throws(VaultError) -> SymmetricKey {
        switch (keyMaterial, header.keyDerivation) {
        case (.rawKey(let key), .keyfile):
            return key
        case (.passphrase(let passphrase, _), .argon2id(let parameters)):
            do {
                state.argon2idRuns += 1
                return try Argon2id.deriveKey(from: passphrase, salt: header.salt, parameters: parameters)
            } catch {
                throw VaultError(error, path: path)
            }
        case (.rawKey, .argon2id):
            throw .keyKindMismatch(path: path, vaultUses: "a passphrase")
        case (.passphrase, .keyfile):
            throw .keyKindMismatch(path: path, vaultUses: "a keyfile")
        }
    }

    /// Constant time: the commitment is public, but this also compares on behalf of a key.
    private func commitmentMatches(_ stored: [UInt8], key: SymmetricKey, prefix: [UInt8], path: String) throws(VaultError) -> Bool {
        do {
            let expected = try BLAKE2b.hash(
                VaultFormat.commitmentLabel + prefix, key: key, outputByteCount: VaultFormat.commitmentByteCount)
            return SecureMemory.constantTimeEquals(stored, expected)
        } catch {
            throw VaultError(error, path: path)
        }
    }
}
