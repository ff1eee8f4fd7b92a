/// What a vault's header says, readable without any key. (STUB: owned by the format work.)
public struct VaultInfo: Sendable, Equatable {
    public enum KeyDerivation: Sendable, Equatable {
        case keyfile
        case argon2id(opsLimit: UInt64, memLimitBytes: UInt64)
    }
    public var formatVersion: Int
    public var keyDerivation: KeyDerivation
    public var fileSize: Int

    public init(formatVersion: Int, keyDerivation: KeyDerivation, fileSize: Int) {
        self.formatVersion = formatVersion
        self.keyDerivation = keyDerivation
        self.fileSize = fileSize
    }
}
