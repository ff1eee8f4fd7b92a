public import SecureFiles

/// Why a storage could not read or write its tokens. Every case names the file; descriptions
/// are one line and never contain a token value or a line of the file.
public enum TokenStorageError: Error, Equatable, Sendable {
    /// The file is not JSON that Python's `json.loads` would accept.
    case malformedJSON(path: String, line: Int, column: Int, problem: String)
    /// The file is not INI that Python's `ConfigParser` would accept.
    case malformedINI(path: String, line: Int, problem: String)
    /// The file parsed, but its tokens (or the tokens given to write) fail validation.
    case invalidTokens(path: String, error: TokenFormatError)
    /// The tokens cannot be written in this format so that they read back unchanged (an INI
    /// file cannot hold, say, a resource server named with `=` or `__`). Nothing was written.
    case unrepresentable(path: String, problem: String)
    /// The INI section name is unusable: empty, holding a line break, or "DEFAULT".
    case invalidSection(path: String, section: String)
    /// A directory sits where the file should be.
    case isDirectory(path: String)
    /// The file exists but could not be read.
    case unreadable(path: String, cause: FileError)
    /// The file could not be written or removed; what was there before is intact.
    case unwritable(path: String, cause: FileError)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .malformedJSON(let path, _, _, _), .malformedINI(let path, _, _), .invalidTokens(let path, _),
            .unrepresentable(let path, _), .invalidSection(let path, _), .isDirectory(let path),
            .unreadable(let path, _), .unwritable(let path, _):
            return path
        }
    }
}

extension TokenStorageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedJSON(let path, let line, let column, let problem):
            return "\(path): not valid JSON at line \(line), column \(column): \(problem)"
        case .malformedINI(let path, let line, let problem):
            return "\(path): not a valid INI file at line \(line): \(problem)"
        case .invalidTokens(let path, let error):
            return "\(path): \(error.description)"
        case .unrepresentable(let path, let problem):
            return "\(path): cannot store these tokens unchanged: \(problem)"
        case .invalidSection(let path, let section):
            return "\(path): cannot use \(DisplayName.of(section)) as an INI section name"
        case .isDirectory(let path):
            return "\(path): is a directory, not a token file"
        case .unreadable(_, let cause):
            return "cannot read token file: \(cause.description)"
        case .unwritable(_, let cause):
            return "cannot write token file (the previous one is intact): \(cause.description)"
        }
    }

    /// Maps a failed read to the case a caller can act on.
    static func reading(_ path: String, _ cause: FileError) -> TokenStorageError {
        if case .isDirectory = cause { return .isDirectory(path: path) }
        return .unreadable(path: path, cause: cause)
    }

    static func writing(_ path: String, _ cause: FileError) -> TokenStorageError {
        if case .isDirectory = cause { return .isDirectory(path: path) }
        return .unwritable(path: path, cause: cause)
    }
}
