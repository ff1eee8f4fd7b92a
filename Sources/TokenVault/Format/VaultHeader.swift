internal import VaultCrypto

/// The 116-byte header of a version 1 vault, parsed and checked without any key.
struct VaultHeader: Sendable {
    enum KeyDerivation: Sendable, Equatable {
        case keyfile
        case argon2id(Argon2idParameters)
    }

    var keyDerivation: KeyDerivation
    var salt: Argon2id.Salt
    var nonce: SecretBox.Nonce

    /// Bytes 0..<68: everything the master key's two keyed hashes cover.
    var authenticatedPrefix: [UInt8] {
        var bytes = VaultFormat.magic
        bytes.reserveCapacity(VaultFormat.Offset.commitment)
        bytes.append(VaultFormat.version)
        let (id, ops, mem): (KeyDerivationID, UInt64, UInt64) =
            switch keyDerivation {
            case .keyfile: (.keyfile, 0, 0)
            case .argon2id(let parameters): (.argon2id13, parameters.opsLimit, parameters.memLimitBytes)
            }
        bytes.append(id.rawValue)
        bytes.append(contentsOf: [0, 0])
        bytes.appendLittleEndian(ops)
        bytes.appendLittleEndian(mem)
        bytes.append(contentsOf: salt.bytes)
        bytes.append(contentsOf: nonce.bytes)
        return bytes
    }

    /// The full header: the prefix, `commitment`, then the checksum of both.
    static func serialize(prefix: [UInt8], commitment: [UInt8]) throws(CryptoError) -> [UInt8] {
        var header = prefix + commitment
        header.append(contentsOf: try checksum(of: header))
        return header
    }

    /// Unkeyed BLAKE2b-128 of the header bytes before the checksum. It only tells accidental
    /// damage from a wrong key: anyone can recompute it, so it protects against nothing.
    static func checksum(of bytes: [UInt8]) throws(CryptoError) -> [UInt8] {
        try BLAKE2b.hash(bytes, outputByteCount: VaultFormat.checksumByteCount)
    }

    /// Enough of a file for every check `parse` makes: the header, a tag and one byte.
    static let byteCountToInspect = VaultFormat.headerByteCount + SecretBox.macByteCount + 1

    /// Parses and checks a vault file's header, in the order SECURITY.md gives, so each failure
    /// gets the most precise error and no KDF parameter is used before it is checked. `file` is
    /// the whole file or at least its first `byteCountToInspect` bytes. Returns the header and
    /// the stored commitment.
    static func parse(_ file: [UInt8], path: String) throws(VaultError) -> (header: VaultHeader, commitment: [UInt8]) {
        guard file.count >= VaultFormat.magic.count, file.starts(with: VaultFormat.magic) else {
            throw .notAVault(path: path)
        }
        guard file.count > VaultFormat.Offset.version else {
            throw .damaged(path: path, reason: "truncated header (\(file.count) bytes)")
        }
        let version = file[VaultFormat.Offset.version]
        guard version == VaultFormat.version else {
            throw .unsupportedVersion(path: path, version: Int(version))
        }
        guard file.count >= VaultFormat.headerByteCount else {
            throw .damaged(path: path, reason: "truncated header (\(file.count) of \(VaultFormat.headerByteCount) bytes)")
        }
        let checked = Array(file[..<VaultFormat.Offset.checksum])
        let stored = Array(file[VaultFormat.Offset.checksum..<VaultFormat.headerByteCount])
        let expected: [UInt8]
        do { expected = try checksum(of: checked) } catch { throw VaultError(error, path: path) }
        // The checksum is public, so an ordinary comparison leaks nothing.
        guard stored == expected else {
            throw .damaged(path: path, reason: "header checksum mismatch")
        }
        guard file[VaultFormat.Offset.reserved] == 0, file[VaultFormat.Offset.reserved + 1] == 0 else {
            throw .damaged(path: path, reason: "reserved header bytes are not zero")
        }
        let ops = file.littleEndianUInt64(at: VaultFormat.Offset.opsLimit)
        let mem = file.littleEndianUInt64(at: VaultFormat.Offset.memLimit)
        let keyDerivation: KeyDerivation
        switch KeyDerivationID(rawValue: file[VaultFormat.Offset.keyDerivation]) {
        case .keyfile:
            guard ops == 0, mem == 0 else {
                throw .damaged(path: path, reason: "keyfile vault with nonzero Argon2id parameters")
            }
            keyDerivation = .keyfile
        case .argon2id13:
            // Checked here, before any caller can hand them to Argon2id.
            do {
                keyDerivation = .argon2id(try Argon2idParameters(opsLimit: ops, memLimitBytes: mem))
            } catch {
                throw .unsafeKDFParameters(path: path, reason: error.description)
            }
        case nil:
            throw .damaged(path: path, reason: "unknown key derivation \(file[VaultFormat.Offset.keyDerivation])")
        }
        guard file.count >= byteCountToInspect else {
            throw .damaged(path: path, reason: "truncated ciphertext")
        }
        do {
            let header = VaultHeader(
                keyDerivation: keyDerivation,
                salt: try Argon2id.Salt(bytes: Array(file[VaultFormat.Offset.salt..<VaultFormat.Offset.nonce])),
                nonce: try SecretBox.Nonce(bytes: Array(file[VaultFormat.Offset.nonce..<VaultFormat.Offset.commitment])))
            return (header, Array(file[VaultFormat.Offset.commitment..<VaultFormat.Offset.checksum]))
        } catch {
            throw VaultError(error, path: path)
        }
    }
}

extension [UInt8] {
    mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Callers have checked that `offset + 8 <= count`.
    func littleEndianUInt64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<8).reversed() {
            value = value << 8 | UInt64(self[offset + index])
        }
        return value
    }
}
