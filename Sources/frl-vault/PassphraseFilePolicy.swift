internal import SecureFiles

/// The keyfile's permission rules (TokenVault's policy) applied to a passphrase file: whoever
/// can read it has the key, and whoever can write it can choose the key.
enum PassphraseFilePolicy {
    static func check(_ status: FileStatus, path: String) throws {
        if status.isDirectory { throw FileError.isDirectory(path: path) }
        guard status.isRegularFile else { throw FileError.notRegularFile(path: path) }
        let me = SecureFile.currentUserID
        if status.ownerID != me, status.ownerID != 0 {
            throw CLIError.unsafePassphraseFile(
                path: path, reason: "the passphrase file is owned by another user (uid \(status.ownerID))",
                fix: "sudo chown \(me) \(quoted(path))")
        }
        if status.isWritableByOthers || status.isReadableByOthers {
            let verb = status.isWritableByOthers ? "writable" : "readable"
            throw CLIError.unsafePassphraseFile(
                path: path, reason: "the passphrase file is \(verb) by \(whoElse(status.mode)) (mode \(octal(status.mode)))",
                fix: "chmod 600 \(quoted(path))")
        }
    }

    private static func whoElse(_ mode: UInt32) -> String {
        switch (mode & 0o060 != 0, mode & 0o006 != 0) {
        case (true, true): return "the group and other users"
        case (true, false): return "the group"
        default: return "other users"
        }
    }

    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func quoted(_ path: String) -> String { ShellQuoting.quoted(path) }
}
