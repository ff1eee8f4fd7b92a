internal import SecureFiles

/// What an INI file holds besides one storage's section, seen by the same parser that reads
/// the tokens, so a caller deciding whether the whole file may go (an import that shreds its
/// source) sees exactly the sections Python's `ConfigParser` would.
extension ConfigParserTokenStorage {
    /// "DEFAULT": listed first by `sectionNames` when that section holds options (not to be
    /// confused with `defaultSection`, the storage's own default section "tokens").
    public static let sharedDefaultsSection = INIDocument.defaultSectionName

    /// `ConfigParser.sections()` for the file at `path`, in file order, preceded by "DEFAULT"
    /// when the [DEFAULT] section holds options: those options are merged into every section,
    /// so they belong to the file, not to any one storage. A missing file has no sections.
    public static func sectionNames(at path: String) throws(TokenStorageError) -> [String] {
        var bytes: [UInt8]
        do {
            guard let read = try SecureFile.readIfPresent(path) else { return [] }
            bytes = read
        } catch {
            throw .reading(path, error)
        }
        defer { SecureFile.wipe(&bytes) }
        return try sectionNames(in: bytes, path: path)
    }

    /// `sectionNames(at:)` for bytes already read; `path` names the source in errors.
    public static func sectionNames(in bytes: [UInt8], path: String) throws(TokenStorageError) -> [String] {
        let document = try parse(bytes, path: path)
        let names = document.sections.map(\.name)
        return document.defaults.isEmpty ? names : [INIDocument.defaultSectionName] + names
    }

    /// The tokens of `section` in INI bytes already read, exactly as `readTokens` reads them
    /// from a file holding those bytes (a missing section yields no tokens, as in Python).
    /// Lets a caller read a file once and both list its sections and take its tokens.
    public static func tokens(in bytes: [UInt8], section: String, path: String) throws(TokenStorageError) -> TokenMap {
        let breaksLine = section.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
        guard !section.isEmpty, !breaksLine, section != INIDocument.defaultSectionName else {
            throw .invalidSection(path: path, section: section)
        }
        return try tokens(in: try parse(bytes, path: path), section: section, path: path)
    }

    private static func parse(_ bytes: [UInt8], path: String) throws(TokenStorageError) -> INIDocument {
        do {
            return try INIDocument(parsing: bytes)
        } catch {
            throw .malformedINI(path: path, line: error.line, problem: error.problem)
        }
    }
}
