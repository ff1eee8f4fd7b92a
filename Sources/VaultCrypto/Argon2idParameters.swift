/// Argon2id cost: passes over memory (`opsLimit`) and memory in bytes (`memLimitBytes`).
/// The presets are libsodium's own; `init` accepts custom values within `acceptedRange`.
/// (The crypto work owns this file; the presets and names are the contract.)
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

    private init(unchecked opsLimit: UInt64, _ memLimitBytes: UInt64) {
        self.opsLimit = opsLimit
        self.memLimitBytes = memLimitBytes
    }

    public var description: String { "argon2id(ops=\(opsLimit), mem=\(memLimitBytes >> 10) KiB)" }
}
