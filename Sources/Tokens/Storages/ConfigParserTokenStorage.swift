internal import FoundationEssentials
internal import SecureFiles

/// Tokens in one section of an INI file, laid out as Fair Research Login's
/// `ConfigParserTokenStorage` writes it (`flat_pack` names, `ConfigParser.write` format), so
/// either library can read the other's file.
///
/// Differences from the Python class, each deliberate:
/// - Only this storage's section is rewritten; every other line of the file, comments
///   included, stays byte-identical (Python rewrites the whole file and drops comments).
/// - `writeTokens` replaces the section's contents (Python only adds and overwrites keys, so
///   a resource server dropped from the map would linger).
/// - Writes are atomic, mode 0600 whatever the umask, and refused with `.unrepresentable`
///   when the result would not read back as the same tokens.
/// - An unreadable file is an error (Python's `ConfigParser.read` silently skips it).
public struct ConfigParserTokenStorage: TokenStorage {
    /// Python's default: `~/.globus-native-apps.cfg`, with `~` taken from `$HOME` as Python's
    /// `os.path.expanduser` does.
    public static var defaultPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.globus-native-apps.cfg"
    }

    public static let defaultSection = "tokens"

    public let path: String
    public let section: String

    /// `path` is used as given (Python does not expand `~` in a path you pass either).
    public init(path: String = ConfigParserTokenStorage.defaultPath, section: String = ConfigParserTokenStorage.defaultSection) {
        self.path = path
        self.section = section
    }

    public func readTokens() throws(TokenStorageError) -> TokenMap {
        try checkSection()
        guard let document = try loadDocument() else { return [:] }
        return try tokens(in: document)
    }

    public func writeTokens(_ tokens: TokenMap) throws(TokenStorageError) {
        try checkSection()
        do {
            try tokens.validate()
        } catch {
            throw .invalidTokens(path: path, error: error)
        }
        let document = try loadDocument() ?? INIDocument()
        let formatted = INIDocument.format(section: section, options: orderedFlatPack(tokens))
        let bytes = document.replacingSection(section, with: formatted)
        try checkReadsBack(bytes, as: tokens)
        try save(bytes)
    }

    /// Empties the section, leaving its header as Python does. No file, or no such section,
    /// is left as it is.
    public func clearTokens() throws(TokenStorageError) {
        try checkSection()
        guard let document = try loadDocument(), document.section(named: section) != nil else { return }
        try save(document.replacingSection(section, with: INIDocument.format(section: section, options: [])))
    }

    private func checkSection() throws(TokenStorageError) {
        let breaksLine = section.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
        guard !section.isEmpty, !breaksLine, section != INIDocument.defaultSectionName else {
            throw .invalidSection(path: path, section: section)
        }
    }

    private func loadDocument() throws(TokenStorageError) -> INIDocument? {
        let bytes: [UInt8]?
        do {
            bytes = try SecureFile.readIfPresent(path)
        } catch {
            throw .reading(path, error)
        }
        guard let bytes else { return nil }
        do {
            return try INIDocument(parsing: bytes)
        } catch {
            throw .malformedINI(path: path, line: error.line, problem: error.problem)
        }
    }

    private func tokens(in document: INIDocument) throws(TokenStorageError) -> TokenMap {
        try Self.tokens(in: document, section: section, path: path)
    }

    /// The token map in `section` of a parsed file, with errors naming `path`.
    static func tokens(in document: INIDocument, section: String, path: String) throws(TokenStorageError) -> TokenMap {
        let flat: [String: String]
        do {
            flat = try document.items(of: section)
        } catch {
            throw .malformedINI(path: path, line: error.line, problem: error.problem)
        }
        do {
            return try flatUnpack(flat)
        } catch let error as TokenFormatError {
            throw .invalidTokens(path: path, error: error)
        } catch {
            // defaultFetchKey throws only TokenFormatError; keep the compiler honest anyway.
            throw .invalidTokens(path: path, error: TokenFormatError(.unexpectedValues, resourceServer: nil))
        }
    }

    /// Parses the bytes about to be written and refuses them unless they hold exactly
    /// `tokens`: names with `=`, `:`, `__` or surrounding spaces, two servers that flatten to
    /// one name, or [DEFAULT] keys would otherwise corrupt the file silently.
    private func checkReadsBack(_ bytes: [UInt8], as tokens: TokenMap) throws(TokenStorageError) {
        let problem: String
        do {
            let document = try INIDocument(parsing: bytes)
            if !document.defaults.isEmpty {
                problem = "the file's [DEFAULT] section would add its keys to the tokens"
            } else if document.section(named: section) != nil, try self.tokens(in: document) == tokens {
                return
            } else {
                problem = "a resource server name or value that the INI format cannot hold"
            }
        } catch {
            problem = "a resource server name or value that the INI format cannot hold"
        }
        throw .unrepresentable(path: path, problem: problem)
    }

    private func save(_ bytes: [UInt8]) throws(TokenStorageError) {
        do {
            try SecureFile.writeAtomically(bytes, to: path, mode: 0o600)
        } catch {
            throw .writing(path, error)
        }
    }
}
