internal import SecureFiles
internal import VaultCrypto

/// Keyfiles: 32 random bytes in the keyfile text format (see `KeyfileFormat`), mode 0600.
public enum Keyfile {
    /// Far above any keyfile, small enough that pointing `--keyfile` at a large file is harmless.
    static let readLimit = 4096

    /// Writes a new keyfile; `alreadyExists` if the path exists.
    ///
    /// The key is drawn into secure memory, rendered into secure memory and written through a
    /// temp file born 0600 that is published with link(2), so the keyfile is never readable by
    /// others (whatever the umask), never half-written, and never replaces an existing file.
    public static func generate(at path: String) throws {
        let location = try mappingFileErrors(role: .other) { () throws(FileError) in
            try SecureFile.locate(path, followingFinalLink: false)
        }
        try PermissionPolicy.checkDirectory(of: location)
        let text = try KeyfileFormat.encode(try SymmetricKey.random())
        try mappingFileErrors(role: .other) { () throws(FileError) in
            try text.withUnsafeBytes { raw throws(FileError) in
                try SecureFile.createExclusively(raw, at: location, mode: 0o600)
            }
        }
    }

    /// The key in the keyfile at `path`, after checking that nobody else can read or write it.
    /// The permission check is made on the open descriptor, so it is about the bytes read.
    static func load(from path: String) throws(VaultError) -> SymmetricKey {
        let opened = try mappingFileErrors(role: .keyfile) { () throws(FileError) in
            try SecureFile.openForReading(path)
        }
        guard let file = opened else { throw .missingKeyfile(path: path) }
        try PermissionPolicy.checkKeyfile(file.status, path: path)
        do {
            // The text is the key in hex, so it is read straight into secure memory. One byte
            // more than the limit shows a file too large to be a keyfile.
            let text = try SecureBytes(uninitializedCount: readLimit + 1)
            let count = try text.withUnsafeMutableBytes { (buffer) throws(FileError) in try file.read(into: buffer) }
            guard count <= readLimit else { throw FileError.tooLarge(path: path, limit: readLimit) }
            return try text.withUnsafeBytes { raw in try KeyfileFormat.parse(UnsafeRawBufferPointer(rebasing: raw[..<count]), path: path) }
        } catch let error as VaultError {
            throw error
        } catch let error as FileError {
            throw VaultError(error, role: .keyfile)
        } catch let error as CryptoError {
            throw VaultError(error, path: path)
        } catch {
            throw .invalidKeyfile(path: path, reason: "unreadable")
        }
    }
}
