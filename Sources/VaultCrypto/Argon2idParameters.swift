/// Argon2id cost: passes over memory (`opsLimit`) and memory in bytes (`memLimitBytes`), always
/// with one lane, as libsodium's `crypto_pwhash` computes it.
///
/// The presets are libsodium's own. Any other value must pass `init(opsLimit:memLimitBytes:)`,
/// and a vault reader checks the values in a file's header the same way *before* doing any
/// work, so a hostile file cannot make a reader allocate more than 1 GiB or spend longer than
/// the `sensitive` preset does.
public struct Argon2idParameters: Sendable, Hashable, CustomStringConvertible {
    public let opsLimit: UInt64
    public let memLimitBytes: UInt64

    /// crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: 2 passes, 64 MiB.
    public static let interactive = Argon2idParameters(unchecked: 2, 64 << 20)
    /// crypto_pwhash_OPSLIMIT_MODERATE / MEMLIMIT_MODERATE: 3 passes, 256 MiB.
    public static let moderate = Argon2idParameters(unchecked: 3, 256 << 20)
    /// crypto_pwhash_OPSLIMIT_SENSITIVE / MEMLIMIT_SENSITIVE: 4 passes, 1 GiB.
    public static let sensitive = Argon2idParameters(unchecked: 4, 1 << 30)

    public static let presets: [(name: String, parameters: Argon2idParameters)] = [
        ("interactive", .interactive), ("moderate", .moderate), ("sensitive", .sensitive),
    ]

    /// Passes. The floor is libsodium's minimum for Argon2id; 16 passes of a small memory area
    /// is already more time than any preset spends per byte, and anything beyond it is far more
    /// likely a hostile header than a considered choice.
    public static let acceptedOps: ClosedRange<UInt64> = 1...16
    /// Bytes. The floor is libsodium's minimum (8 KiB, Argon2's 8 blocks of 1 KiB for one lane);
    /// the ceiling is the `sensitive` preset's 1 GiB: no file may ask a reader for more memory
    /// than the strongest preset this program itself would use.
    public static let acceptedMem: ClosedRange<UInt64> = 8192...(1 << 30)
    /// Passes x bytes. Argon2's running time grows with the product, so capping it at the
    /// `sensitive` preset's (4 x 1 GiB) bounds what a hostile header can cost to about the
    /// time `sensitive` takes, even when each factor alone is within its range.
    public static let maximumWork: UInt64 = 4 << 30
    /// Argon2 counts memory in 1 KiB blocks and libsodium silently drops a remainder, so two
    /// headers differing only below 1 KiB would derive the same key; only whole KiB are
    /// accepted, which also keeps independent Argon2 implementations (which take KiB) exact.
    public static let memoryGranule: UInt64 = 1024

    /// Custom parameters, checked against the accepted bounds.
    public init(opsLimit: UInt64, memLimitBytes: UInt64) throws(CryptoError) {
        if let problem = Argon2idParameters.boundsProblem(opsLimit: opsLimit, memLimitBytes: memLimitBytes) {
            throw .kdfParametersOutOfBounds(reason: problem)
        }
        self.opsLimit = opsLimit
        self.memLimitBytes = memLimitBytes
    }

    /// Why these values are refused, or nil if they are accepted. Pure arithmetic: callers use
    /// it on untrusted header fields before anything is allocated.
    public static func boundsProblem(opsLimit: UInt64, memLimitBytes: UInt64) -> String? {
        guard acceptedOps.contains(opsLimit) else {
            return "opslimit \(opsLimit) is outside \(acceptedOps.lowerBound)...\(acceptedOps.upperBound)"
        }
        guard acceptedMem.contains(memLimitBytes) else {
            return "memlimit \(memLimitBytes) bytes is outside \(acceptedMem.lowerBound)...\(acceptedMem.upperBound)"
        }
        guard memLimitBytes % memoryGranule == 0 else {
            return "memlimit \(memLimitBytes) bytes is not a whole number of KiB"
        }
        // No overflow: both factors are bounded above (16 x 2^30 < 2^64).
        guard opsLimit * memLimitBytes <= maximumWork else {
            return "opslimit x memlimit (\(opsLimit) x \(memLimitBytes) bytes) exceeds the sensitive preset's work"
        }
        return nil
    }

    private init(unchecked opsLimit: UInt64, _ memLimitBytes: UInt64) {
        self.opsLimit = opsLimit
        self.memLimitBytes = memLimitBytes
    }

    /// The preset's name if these are a preset's values.
    public var presetName: String? {
        Argon2idParameters.presets.first { $0.parameters == self }?.name
    }

    public var description: String { "argon2id(ops=\(opsLimit), mem=\(memLimitBytes >> 10) KiB)" }
}
