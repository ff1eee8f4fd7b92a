internal import SecureFiles

/// What the file at a path is meant to be, so that "not found" becomes the right vault error.
enum VaultFileRole {
    case vault
    case keyfile
    /// The sidecar lock file or a directory: absence is a plain I/O failure.
    case other
}

extension VaultError {
    /// The vault-level reading of a file-layer failure. The path stays the one the file layer
    /// names, except for lock timeouts, which name the vault (the user knows that file).
    init(_ error: FileError, role: VaultFileRole, vaultPath: String? = nil) {
        switch error {
        case .notFound(let path):
            switch role {
            case .vault: self = .missingVault(path: path)
            case .keyfile: self = .missingKeyfile(path: path)
            case .other: self = .io(path: path, operation: "open", errno: 2)
            }
        case .isDirectory(let path):
            self = role == .keyfile ? .invalidKeyfile(path: path, reason: "it is a directory") : .notAVault(path: path)
        case .notRegularFile(let path):
            self = role == .keyfile ? .invalidKeyfile(path: path, reason: "not a regular file") : .notAVault(path: path)
        case .permissionDenied(let path):
            self = .permissionDenied(path: path)
        case .alreadyExists(let path):
            self = .alreadyExists(path: path)
        case .tooLarge(let path, let limit):
            self = role == .keyfile
                ? .invalidKeyfile(path: path, reason: "larger than \(limit) bytes")
                : .notAVault(path: path)
        case .lockTimeout(let path, let seconds):
            self = .lockTimeout(path: vaultPath ?? path, seconds: seconds)
        case .system(let path, let operation, let errno):
            self = .io(path: path, operation: operation, errno: errno)
        case .untrustedFile(let path, let reason, let fix):
            self = .unsafePermissions(path: path, reason: reason, fix: fix)
        }
    }
}

/// Runs a file-layer call and reports its failure as a `VaultError`.
func mappingFileErrors<R>(
    role: VaultFileRole, vaultPath: String? = nil, _ body: () throws(FileError) -> R
) throws(VaultError) -> R {
    do {
        return try body()
    } catch {
        throw VaultError(error, role: role, vaultPath: vaultPath)
    }
}
