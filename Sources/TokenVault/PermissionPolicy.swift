internal import SecureFiles

/// Which files the vault trusts, in the spirit of ssh's checks on private keys.
///
/// - A vault is refused when another user could have written it: group or other write bits, or
///   an owner who is neither us nor root. Others may *read* a vault; it is ciphertext.
/// - A keyfile is refused when another user can write it *or read it*: it is the key itself.
/// - A write is refused when the directory that receives the temp file and the rename can be
///   written by others without the sticky bit (they could swap names under us), or is owned by
///   another user. A sticky directory such as /tmp is accepted: others cannot rename or remove
///   our entries there, and our temp names are unpredictable and created with O_EXCL.
///
/// The checks look at modes and owners rather than trying access(2): root passes every access
/// check, and the question is who *else* can touch the file, not whether we can.
enum PermissionPolicy {
    static func checkVault(_ status: FileStatus, path: String) throws(VaultError) {
        guard status.isRegularFile else { throw .notAVault(path: path) }
        try checkOwner(status, path: path, what: "vault")
        if status.isWritableByOthers {
            throw .unsafePermissions(
                path: path,
                reason: "the vault is writable by \(whoElse(status.mode, bits: 0o022)) (mode \(octal(status.mode)))",
                fix: "chmod go-w \(quoted(path))")
        }
    }

    static func checkKeyfile(_ status: FileStatus, path: String) throws(VaultError) {
        if status.isDirectory { throw .invalidKeyfile(path: path, reason: "it is a directory") }
        guard status.isRegularFile else { throw .invalidKeyfile(path: path, reason: "not a regular file") }
        try checkOwner(status, path: path, what: "keyfile")
        if status.isWritableByOthers || status.isReadableByOthers {
            let verb = status.isWritableByOthers ? "writable" : "readable"
            throw .unsafePermissions(
                path: path,
                reason: "the keyfile is \(verb) by \(whoElse(status.mode, bits: 0o066)) (mode \(octal(status.mode)))",
                fix: "chmod 600 \(quoted(path))")
        }
    }

    /// The directory a write to `location` will create its temp file in and rename within.
    static func checkDirectory(of location: FileLocation) throws(VaultError) {
        let directory = location.directoryPath
        let status = try mappingFileErrors(role: .other) { () throws(FileError) in try location.directoryStatus() }
        // Refused before anything changes: a write here would rename and then fail its fsync.
        guard location.directoryIsReadable else { throw .permissionDenied(path: directory) }
        try checkOwner(status, path: directory, what: "directory")
        if status.isWritableByOthers && !status.isSticky {
            throw .unsafePermissions(
                path: directory,
                reason: "the vault's directory is writable by \(whoElse(status.mode, bits: 0o022)) (mode \(octal(status.mode)))",
                fix: "chmod go-w \(quoted(directory))")
        }
    }

    /// Owned by us or by root: anyone else could change the mode back at will.
    private static func checkOwner(_ status: FileStatus, path: String, what: String) throws(VaultError) {
        let me = SecureFile.currentUserID
        guard status.ownerID != me, status.ownerID != 0 else { return }
        throw .unsafePermissions(
            path: path,
            reason: "the \(what) is owned by another user (uid \(status.ownerID))",
            fix: "sudo chown \(me) \(quoted(path))")
    }

    private static func whoElse(_ mode: UInt32, bits: UInt32) -> String {
        let group = mode & bits & 0o070 != 0
        let other = mode & bits & 0o007 != 0
        switch (group, other) {
        case (true, true): return "the group and other users"
        case (true, false): return "the group"
        default: return "other users"
        }
    }

    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Shell-quoted when needed, so the printed fix can be pasted as it is.
    static func quoted(_ path: String) -> String { ShellQuoting.quoted(path) }
}
