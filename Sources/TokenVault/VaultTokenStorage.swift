internal import SecureFiles
internal import Synchronization
public import Tokens
internal import VaultCrypto

/// A `TokenStorage` that keeps token maps encrypted in one vault file, side by side under
/// namespaces (one per client, like the sections of Fair Research Login's multi-client storage).
///
/// - Reads take no lock and need no write access: a vault is always replaced whole by rename,
///   so a reader sees one complete version.
/// - Every write is a read-modify-write of the whole document under the vault's lock, re-reading
///   the file inside the lock, so writers in other processes lose nothing.
/// - The key is resolved once per instance: the keyfile read, or the passphrase stretched, by the
///   first operation, then kept (in secure memory, by the codec) for the instance's lifetime.
/// - A vault that does not open (wrong key, damaged, not a vault) is never written over by any
///   method here: every write path decrypts the current file first and stops on failure.
public final class VaultTokenStorage: TokenStorage, Sendable {
    public let path: String
    public let namespace: String
    public let lockTimeoutSeconds: Double

    private struct KeyState {
        var key: VaultKey
        /// Built on first use; holds the derived key for the vault's current salt.
        var codec: VaultCodec?
        /// The last vault file this instance decrypted or wrote with `codec`, and its document.
        var verified: VerifiedFile?
        /// How many times a file was decrypted and parsed in full: the tests' evidence for the cache.
        var fullDecodes = 0
    }

    private let keyState: Mutex<KeyState>

    public init(path: String, key: VaultKey, namespace: String = "tokens", lockTimeoutSeconds: Double = 10) {
        self.path = path
        self.namespace = namespace
        self.lockTimeoutSeconds = lockTimeoutSeconds
        self.keyState = Mutex(KeyState(key: key, codec: nil, verified: nil))
    }

    // MARK: - Creating and inspecting

    /// Creates an empty vault; `alreadyExists` unless `force`.
    ///
    /// Without `force` the new file is published with link(2), which cannot replace anything.
    /// With `force` an existing file at the path is replaced (under the lock) whether or not
    /// this key opens it (that is the point: a vault whose key is lost), and the new vault is
    /// 0600 regardless of the old file's mode. A replaced vault (a file starting with the vault
    /// magic, damaged or not) is overwritten in place, like rekey's, and dead writers' temp files
    /// are wiped; any other file is only replaced. A directory is refused, and so is a vault
    /// that has other names (hard links) or another owner, which the wipe would reach.
    ///
    /// Both ways hold the vault's lock, so that no concurrent writer takes the new file's temp
    /// file for a dead writer's leftover.
    public static func create(path: String, key: VaultKey, force: Bool = false, lockTimeoutSeconds: Double = 10) throws {
        let file = try VaultFile.forWriting(path)
        let codec = VaultCodec(keyMaterial: try key.keyMaterial())
        let bytes = try codec.encode(VaultDocument(namespaces: [:]), path: path)
        try VaultLock.withLock(vault: file.location, timeoutSeconds: lockTimeoutSeconds) {
            guard force else {
                try file.create(with: bytes)
                return
            }
            try file.wipeLeftoverTempFiles()
            try file.replaceWipingOld(with: bytes, mode: 0o600, onlyIfAVault: true)
        }
    }

    /// Reads the header only; needs no key. No permission policy: `status` should be able to
    /// describe a vault that the storage operations would refuse.
    public static func inspect(path: String) throws -> VaultInfo {
        let info = try VaultFile.forReading(path)?.readConsistently(checkingPermissions: false) { file in
            guard file.status.isRegularFile else { throw VaultError.notAVault(path: path) }
            // The header decides everything here, so a large vault is not read whole.
            let bytes = try mappingFileErrors(role: .vault) { () throws(FileError) in
                try file.readPrefix(VaultHeader.byteCountToInspect)
            }
            return try VaultCodec.inspect(bytes, fileSize: file.status.size, path: path)
        }
        guard let info else { throw VaultError.missingVault(path: path) }
        return info
    }

    // MARK: - TokenStorage

    public func writeTokens(_ tokens: TokenMap) throws {
        try modifyNamespace(readingItFirst: false) { $0 = tokens }
    }

    /// This namespace's map; empty when there is no vault yet or the namespace is absent.
    public func readTokens() throws -> TokenMap {
        try loadDocument(in: VaultFile.forReading(path))?.namespaces[namespace] ?? [:]
    }

    /// Read-modify-write of this namespace under the vault's lock. Nothing is written when `body`
    /// throws or leaves the map as it was. `body` must not write through a storage of the same
    /// vault: the lock is already held, and the inner write would wait for it until the timeout.
    public func update<Result>(_ body: (inout TokenMap) throws -> Result) throws -> Result {
        try modifyNamespace(readingItFirst: true, body)
    }

    // MARK: - Every namespace

    /// Every namespace's map (for `show`, `status`, `export`); `missingVault` when there is none.
    public func readAllNamespaces() throws -> [String: TokenMap] {
        guard let document = try loadDocument(in: VaultFile.forReading(path)) else { throw VaultError.missingVault(path: path) }
        return document.namespaces
    }

    /// Read-modify-write of every namespace under the lock (creating the vault when absent and
    /// `body` adds something).
    public func updateAllNamespaces<Result>(_ body: (inout [String: TokenMap]) throws -> Result) throws -> Result {
        try modifyDocument(writingEvenIfUnchanged: false) { document in
            try body(&document.namespaces)
        }
    }

    // MARK: - The shared read and write paths

    /// The decrypted vault, or nil when there is none (`file` nil: a directory on the way is
    /// missing). Outside the lock, a vault replaced or wiped mid-read is read again.
    func loadDocument(in file: VaultFile?) throws -> VaultDocument? {
        let document = try file?.readConsistently { opened in
            try decode(try mappingFileErrors(role: .vault) { () throws(FileError) in try opened.readAll() })
        }
        if document == nil { forgetVerifiedFile() }
        return document
    }

    /// Decrypts `bytes`, or returns the cached document when they are exactly the bytes this
    /// instance last decrypted or wrote with its current codec: the same ciphertext under the
    /// same key can only open to the same document, so nothing unverified is ever trusted.
    /// Anything else is decoded in full, and a failure drops the cache (fail closed).
    func decode(_ bytes: [UInt8]) throws -> VaultDocument {
        try keyState.withLock { state in
            let codec = try state.codec ?? VaultCodec(keyMaterial: state.key.keyMaterial())
            state.codec = codec
            if let document = state.verified?.document(ifSameAs: bytes, codec: codec) {
                return document
            }
            state.verified = nil
            state.fullDecodes += 1
            let document = try codec.decode(bytes, path: path)
            state.verified = VerifiedFile(bytes: bytes, document: document, codec: codec)
            return document
        }
    }

    /// After this instance's own successful write: `bytes` are what the vault now holds.
    func rememberWritten(_ bytes: [UInt8], document: VaultDocument, sealedBy codec: VaultCodec) {
        keyState.withLock { state in
            state.verified = state.codec === codec ? VerifiedFile(bytes: bytes, document: document, codec: codec) : nil
        }
    }

    /// How many times this instance has decrypted and parsed a file in full (internal, for tests).
    var fullDecodes: Int { keyState.withLock { $0.fullDecodes } }

    /// Drops the cached document (and with it this instance's references to its tokens).
    func forgetVerifiedFile() {
        keyState.withLock { $0.verified = nil }
    }

    func encode(_ document: VaultDocument) throws -> [UInt8] {
        try encodeWithCodec(document).bytes
    }

    /// The sealed file and the codec that sealed it (for `rememberWritten`).
    func encodeWithCodec(_ document: VaultDocument) throws -> (bytes: [UInt8], codec: VaultCodec) {
        try withCodec { codec in (try codec.encode(document, path: path), codec) }
    }

    /// Holds the lock, re-reads and decrypts the vault (fail closed: an error here ends the
    /// call before anything is written), lets `body` change the document, then replaces the
    /// file if it changed (or always, for `writeTokens`), wiping dead writers' temp files first.
    func modifyDocument<Result>(
        writingEvenIfUnchanged: Bool, _ body: (inout VaultDocument) throws -> Result
    ) throws -> Result {
        try withVaultLock { file in
            try modifyLoaded(try loadDocument(in: file), in: file, writingEvenIfUnchanged: writingEvenIfUnchanged, body)
        }
    }

    /// `writeTokens` (`readingItFirst` false: the map is replaced whole, and always written)
    /// and `update` (only written when `body` changed the map). Under the lock, like
    /// `modifyDocument`.
    func modifyNamespace<Result>(readingItFirst: Bool, _ body: (inout TokenMap) throws -> Result) throws -> Result {
        try withVaultLock { file in
            var original: VaultDocument?
            if let bytes = try file.readIfPresent() {
                if let cached = cachedDocument(for: bytes) {
                    original = cached
                } else {
                    original = try decode(bytes)
                }
            } else {
                forgetVerifiedFile()
            }
            return try modifyLoaded(original, in: file, writingEvenIfUnchanged: !readingItFirst) { document in
                let before = document.namespaces[namespace] ?? [:]
                var tokens = before
                let result = try body(&tokens)
                if !readingItFirst || tokens != before {
                    document.namespaces[namespace] = tokens
                }
                return result
            }
        }
    }

    /// The document of `bytes` if they are the file this instance last decrypted or wrote
    /// with its codec (see `decode`).
    private func cachedDocument(for bytes: [UInt8]) -> VaultDocument? {
        bytes.withUnsafeBytes { cachedDocument(for: $0) }
    }

    func cachedDocument(for bytes: UnsafeRawBufferPointer) -> VaultDocument? {
        keyState.withLock { state in
            guard let codec = state.codec else { return nil }
            return state.verified?.document(ifSameAs: bytes, codec: codec)
        }
    }

    /// The body of `modifyDocument`, given the decoded vault (nil when there is none).
    private func modifyLoaded<Result>(
        _ original: VaultDocument?, in file: VaultFile, writingEvenIfUnchanged: Bool,
        _ body: (inout VaultDocument) throws -> Result
    ) throws -> Result {
        var document = original ?? VaultDocument(namespaces: [:])
        let result = try body(&document)
        if writingEvenIfUnchanged || document.namespaces != original?.namespaces ?? [:] {
            // The codec validates every map before sealing: a set that reading would reject
            // would make the vault unreadable, and failing closed would then block writes.
            let sealed = try encodeWithCodec(document)
            // Holding the lock, every temp file of this vault is a dead writer's leftover: a
            // whole earlier version. Wiping them here keeps them from piling up after crashes
            // (it costs one directory scan when there are none).
            try file.wipeLeftoverTempFiles()
            do {
                if TokensLeaving.any(from: original?.namespaces ?? [:], to: document.namespaces) {
                    try file.replaceWipingOld(with: sealed.bytes, onlyIfSafe: true)
                } else {
                    try file.replace(with: sealed.bytes)
                }
            } catch {
                // The rename may or may not have happened; the next call decodes afresh.
                forgetVerifiedFile()
                throw error
            }
            rememberWritten(sealed.bytes, document: document, sealedBy: sealed.codec)
        }
        return result
    }

    /// Resolves the vault once, checks its directory for writing, and runs `body` with it while
    /// holding the vault's lock.
    func withVaultLock<Result>(_ body: (VaultFile) throws -> Result) throws -> Result {
        let file = try VaultFile.forWriting(path)
        return try VaultLock.withLock(vault: file.location, timeoutSeconds: lockTimeoutSeconds) { try body(file) }
    }

    /// Runs `body` with this instance's codec, building it (reading the keyfile) on first use.
    /// Only codec calls run inside the mutex, never caller code, so a callback that reads
    /// through this instance cannot deadlock.
    func withCodec<R: Sendable>(_ body: (VaultCodec) throws -> R) throws -> R {
        try keyState.withLock { state in
            let codec = try state.codec ?? VaultCodec(keyMaterial: state.key.keyMaterial())
            state.codec = codec
            return try body(codec)
        }
    }

    /// The key this instance uses now (rekey replaces it).
    var currentKey: VaultKey { keyState.withLock { $0.key } }

    /// After a rekey: the new key and a codec that already holds its derived key.
    func adopt(_ key: VaultKey, codec: VaultCodec) {
        keyState.withLock { state in
            state.key = key
            state.codec = codec
            state.verified = nil
        }
    }
}
