internal import SecureFiles
internal import VaultCrypto

extension VaultTokenStorage {
    /// Re-encrypts the vault under `newKey` with a fresh salt and nonce, verified before the
    /// rename, holding the lock and keeping the file's mode.
    ///
    /// Verification decrypts the new bytes with a codec built from `newKey` alone, so it derives
    /// the key again from what the new header records (one more Argon2id run for a passphrase):
    /// a mistake anywhere in sealing would otherwise lock the owner out for good, after the old
    /// file is gone. The replaced file is then overwritten in place, since the old key may be
    /// exactly what is no longer trusted. Afterwards this instance uses `newKey`.
    ///
    /// `sameKey` when `newKey` is the key the vault already has: the same keyfile key, or the
    /// same passphrase with the Argon2id cost the header already records (the same passphrase
    /// with another cost is accepted: that is how the cost is changed).
    public func rekey(to newKey: VaultKey) throws {
        try PermissionPolicy.checkDirectory(forWriting: path)
        try withVaultLock {
            let oldBytes = try file.read()
            let document = try decode(oldBytes)
            let newMaterial = try newKey.keyMaterial()
            if try isSameKey(newMaterial, asVault: oldBytes) {
                throw VaultError.sameKey(path: path)
            }
            let newBytes = try VaultCodec(keyMaterial: newMaterial).encode(document, path: path)
            let verifier = VaultCodec(keyMaterial: newMaterial)
            guard try verifier.decode(newBytes, path: path).namespaces == document.namespaces else {
                throw VaultError.rekeyVerificationFailed(path: path)
            }
            try file.replaceWipingOld(with: newBytes)
            try file.wipeLeftoverTempFiles()
            adopt(newKey, codec: verifier)
        }
    }

    private func isSameKey(_ newMaterial: KeyMaterial, asVault bytes: [UInt8]) throws -> Bool {
        let currentMaterial = try currentKey.keyMaterial()
        switch (currentMaterial, newMaterial) {
        case (.rawKey(let current), .rawKey(let new)):
            return current == new
        case (.passphrase(let current, _), .passphrase(let new, let newCost)):
            guard current.constantTimeEquals(new) else { return false }
            let info = try VaultCodec.inspect(bytes, path: path)
            return info.keyDerivation == .argon2id(opsLimit: newCost.opsLimit, memLimitBytes: newCost.memLimitBytes)
        default:
            return false
        }
    }
}
