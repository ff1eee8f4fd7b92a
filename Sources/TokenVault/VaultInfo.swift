/// What a vault's header says, readable without any key.
public struct VaultInfo: Sendable, Equatable, CustomStringConvertible {
    public enum KeyDerivation: Sendable, Equatable, CustomStringConvertible {
        /// The master key is a keyfile's 32 bytes.
        case keyfile
        /// The master key is Argon2id v1.3 of a passphrase with these costs (one lane).
        case argon2id(opsLimit: UInt64, memLimitBytes: UInt64)

        public var description: String {
            switch self {
            case .keyfile:
                return "keyfile"
            case .argon2id(let ops, let mem):
                let preset = [("interactive", 2, 64 << 20), ("moderate", 3, 256 << 20), ("sensitive", 4, 1 << 30)]
                    .first { $0.1 == ops && $0.2 == mem }?.0
                return "passphrase (argon2id, ops=\(ops), mem=\(mem >> 10) KiB\(preset.map { ", preset \($0)" } ?? ""))"
            }
        }
    }

    /// The format version from the header (1 for every vault this build writes).
    public var formatVersion: Int
    public var keyDerivation: KeyDerivation
    /// The whole file's size in bytes.
    public var fileSize: Int

    public init(formatVersion: Int, keyDerivation: KeyDerivation, fileSize: Int) {
        self.formatVersion = formatVersion
        self.keyDerivation = keyDerivation
        self.fileSize = fileSize
    }

    public var description: String {
        "frl-vault format \(formatVersion), \(keyDerivation), \(fileSize) bytes"
    }
}
