internal import Tokens

/// Whether a write lets tokens leave the vault: a set removed, or a set whose access or
/// refresh token is replaced. The key that opens the new file opens the replaced inode as
/// well, so such a write overwrites that inode in place after the rename, as clearing a
/// namespace does (SECURITY.md section 10); a write that only adds sets, or rewrites the same
/// tokens, does not pay for it.
enum TokensLeaving {
    static func any(from before: TokenMap, to after: TokenMap) -> Bool {
        before.contains { server, old in
            guard let new = after[server] else { return true }
            return new.accessToken != old.accessToken || new.refreshToken != old.refreshToken
        }
    }

    static func any(from before: [String: TokenMap], to after: [String: TokenMap]) -> Bool {
        before.contains { name, map in any(from: map, to: after[name] ?? [:]) }
    }
}
