internal import SecureFiles

/// Clearing, and what it can promise.
///
/// The file system is asked to forget the tokens' bytes, not just their name: when no tokens
/// are left in the vault, its bytes are overwritten in place (same inode, random then zeros,
/// fsynced) before it and its lock file are unlinked, so a hard link, an undelete tool or a
/// process holding the old file open finds nothing. When other namespaces still hold tokens the
/// vault is rewritten without this one, and the replaced inode is overwritten the same way
/// through a descriptor kept across the rename: the key still opens the vault, so the old
/// ciphertext would otherwise still yield the cleared tokens to anyone holding it.
///
/// Temp files left by writers that died mid-write hold earlier versions of the vault; clearing
/// overwrites and removes them too (under the lock, when no live writer can own one).
///
/// Neither reaches copies below the file system (SSD remapping, copy-on-write extents,
/// snapshots, backups, an NFS server's cache); against those only the encryption protects.
extension VaultTokenStorage {
    /// Removes this namespace's tokens. When no namespace then holds any token, the vault is
    /// securely wiped and removed along with its lock file (a later read returns an empty map).
    /// Clearing where there is no vault succeeds. A vault this key does not open is left alone.
    public func clearTokens() throws {
        try withVaultLock { file in
            guard let document = try loadDocument(in: file) else {
                // No vault; an interrupted wipe may have left its file beside the name.
                try file.wipeLeftoverTempFiles()
                return
            }
            // Whatever happens next, this instance should not keep the cleared tokens around.
            forgetVerifiedFile()
            try file.wipeLeftoverTempFiles()
            var remaining = document
            remaining.namespaces[namespace] = nil
            if remaining.namespaces.values.allSatisfy(\.isEmpty) {
                try file.wipeWithLockFile()
            } else if remaining.namespaces != document.namespaces {
                try file.replaceWipingOld(with: try encode(remaining))
            }
        }
    }

    /// Securely wipes the whole vault file (all namespaces) and its lock file. The key must open
    /// the vault first, so a mistyped passphrase cannot destroy someone's tokens.
    public func destroyVault() throws {
        try withVaultLock { file in
            guard try loadDocument(in: file) != nil else {
                try file.wipeLeftoverTempFiles()
                return
            }
            forgetVerifiedFile()
            try file.wipeLeftoverTempFiles()
            try file.wipeWithLockFile()
        }
    }
}
