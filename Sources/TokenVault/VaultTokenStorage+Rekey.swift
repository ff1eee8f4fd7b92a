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
    /// exactly what is no longer trusted. Afterwards this instance uses `newKey`, also when only
    /// that overwrite failed (`rekeyedButOldCopyNotWiped`: the vault is under the new key).
    ///
    /// `sameKey` when `newKey` is the key the vault already has: the same keyfile key, or the
    /// same passphrase with the Argon2id cost the header already records (the same passphrase
    /// with another cost is accepted: that is how the cost is changed).
    public func rekey(to newKey: VaultKey) throws {
        try withVaultLock { file in
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
            // Leftovers hold the old key's ciphertext too; wiped before the rename, so that every
            // failure up to the rename leaves the vault as it was.
            try file.wipeLeftoverTempFiles()
            var rekeyed = false
            do {
                try file.replaceWipingOld(with: newBytes) {
                    // From the rename on, the vault opens with the new key only.
                    adopt(newKey, codec: verifier)
                    rekeyed = true
                }
            } catch {
                // Not a plain I/O error: the rekey happened, only the old copy's wipe did not.
                if rekeyed { throw VaultError.rekeyedButOldCopyNotWiped(path: path) }
                throw error
            }
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
