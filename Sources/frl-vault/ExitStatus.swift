/// The process exit statuses, from BSD's sysexits.h so scripts can branch on the kind of
/// failure. Every failure is mapped to one of these in `Failure.swift`, nowhere else.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// The command line was wrong, a needed key source is missing with no terminal to ask on,
    /// or a confirmation was refused.
    case usage = 64
    /// Damaged vault, not a vault, or invalid token data (in the vault or an import file).
    case dataError = 65
    /// The vault, the keyfile, an input file or a passphrase source is missing.
    case noInput = 66
    /// `token`: no saved token for the name, or it expired and cannot be refreshed; a login is
    /// needed (and `token` never starts one).
    case loginRequired = 67
    /// Globus Auth could not be reached, refused, or answered with an error or garbage; or a
    /// login did not complete (denied, timed out, interrupted).
    case authFailed = 69
    /// A bug: an error nothing here expected.
    case internalError = 70
    /// The operating system refused a resource (secure memory).
    case osError = 71
    /// Refused to overwrite an existing vault or keyfile.
    case cannotCreate = 73
    /// A read or write failed for another reason (disk full, I/O error).
    case ioError = 74
    /// Another process held the vault's lock until the timeout.
    case lockTimeout = 75
    /// Wrong key or passphrase (or the wrong kind of key), or the system denied access.
    case noPermission = 77
    /// Unsafe file permissions or unsafe KDF parameters in a vault header.
    case configuration = 78

    /// The table printed by `--help` and pasted into the README.
    static let helpTable = """
        EXIT STATUS
          0   success
          64  usage: bad arguments, no key source and no terminal, not confirmed
          65  damaged vault, not a vault, invalid token data, empty passphrase
          66  vault, keyfile, input file or passphrase source missing
          67  login required: no saved token for it, or expired without a refresh token
          69  Globus Auth failed or refused, or the login did not complete
          70  internal error (a bug)
          71  secure memory or key-derivation memory unavailable
          73  refuses to overwrite an existing vault or keyfile
          74  other read or write failure
          75  lock timeout: another process holds the vault's lock
          77  wrong key or passphrase, or permission denied
          78  unsafe permissions, a file or link planted by another user, or unsafe KDF parameters
        """
}
