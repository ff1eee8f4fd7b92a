internal import SecureFiles
internal import Tokens

/// A plaintext token file to import, read through the Tokens module's own storages so the
/// validation is exactly the Python library's.
struct ImportSource {
    let path: String
    let format: PythonFormats.Format
    let section: String

    init(path: String, format: PythonFormats.Format?, section: String) throws {
        self.path = path
        self.section = section
        // A missing file must be an error here, not the empty map a storage reports.
        guard let status = try SecureFile.status(of: path) else { throw FileError.notFound(path: path) }
        if status.isDirectory { throw FileError.isDirectory(path: path) }
        self.format = try format ?? Self.guessFormat(path)
    }

    func readTokens() throws -> TokenMap {
        switch format {
        case .json:
            return try JSONTokenStorage(path: path).readTokens()
        case .cfg:
            guard try sections().contains(section) else { throw CLIError.noSuchSection(path: path, section: section) }
            return try ConfigParserTokenStorage(path: path, section: section).readTokens()
        }
    }

    /// Shredding destroys the whole file; an INI file with other sections (other clients'
    /// tokens) must not go with it.
    func checkNothingElseWouldBeShredded() throws {
        guard format == .cfg else { return }
        let others = try sections().filter { $0 != section }
        if !others.isEmpty { throw CLIError.shredWouldLoseSections(path: path, sections: others) }
    }

    /// Section names as ConfigParser sees them: a line that starts with "[" in the first
    /// column and ends with "]".
    func sections() throws -> [String] {
        let text = String(decoding: try SecureFile.read(path, limit: 16 << 20), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingBlanks()
            guard line.first == "[", trimmed.hasSuffix("]"), trimmed.count > 2 else { return nil }
            return String(trimmed.dropFirst().dropLast())
        }
    }

    static func guessFormat(_ path: String) throws -> PythonFormats.Format {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".json") { return .json }
        if lowered.hasSuffix(".cfg") || lowered.hasSuffix(".ini") || lowered.hasSuffix(".conf") { return .cfg }
        let bytes = try SecureFile.read(path, limit: 64 << 20)
        switch bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
        case UInt8(ascii: "{"): return .json
        case UInt8(ascii: "["): return .cfg
        default: throw CLIError.unknownImportFormat(path: path)
        }
    }
}
