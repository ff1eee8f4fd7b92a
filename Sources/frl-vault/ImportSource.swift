internal import SecureFiles
internal import Tokens

/// A plaintext token file to import. Its bytes are read once, parsed by the Tokens module's
/// own parsers (so the validation, and the INI sections seen, are exactly the Python
/// library's), and wiped when the import is over: every extra read would leave one more copy
/// of the tokens in freed memory.
final class ImportSource {
    let path: String
    let format: PythonFormats.Format
    let section: String
    private var bytes: [UInt8]

    init(path: String, format: PythonFormats.Format?, section: String) throws {
        // A missing file must be an error here, not the empty map a storage reports (readInput
        // says notFound); a named FIFO or a socket is refused rather than waited on.
        var bytes = try Self.read(path)
        guard let format = format ?? Self.guessFormat(path, bytes) else {
            SecureFile.wipe(&bytes)
            throw CLIError.unknownImportFormat(path: path)
        }
        self.path = path
        self.section = section
        self.format = format
        self.bytes = bytes
    }

    deinit { SecureFile.wipe(&bytes) }

    private static func read(_ path: String) throws -> [UInt8] {
        do {
            return try SecureFile.readInput(path, limit: sizeLimit)
        } catch FileError.notRegularFile {
            throw CLIError.importNotAFile(path: path)
        }
    }

    /// Far above any real token file (10,000 resource servers take about 3 MB), and low enough
    /// that the parsers' working memory stays bounded: see the README.
    static let sizeLimit = 16 << 20

    func readTokens() throws -> TokenMap {
        switch format {
        case .json:
            // An empty file holds no tokens, as JSONTokenStorage (and Python) read it.
            return bytes.isEmpty ? [:] : try TokenJSON.decode(bytes, path: path)
        case .cfg:
            let sections = try sectionNames()
            guard section != ConfigParserTokenStorage.sharedDefaultsSection, sections.contains(section) else {
                throw CLIError.noSuchSection(path: path, section: section)
            }
            return try ConfigParserTokenStorage.tokens(in: bytes, section: section, path: path)
        }
    }

    /// Shredding destroys the whole file; an INI file with other sections (other clients'
    /// tokens), or with [DEFAULT] options, must not go with it.
    func checkNothingElseWouldBeShredded() throws {
        guard format == .cfg else { return }
        let others = try sectionNames().filter { $0 != section }
        if !others.isEmpty { throw CLIError.shredWouldLoseSections(path: path, sections: others) }
    }

    /// Reads the file again: shredding is for exactly the bytes that were imported.
    func checkUnchanged() throws {
        var now = try Self.read(path)
        defer { SecureFile.wipe(&now) }
        guard now == bytes else { throw CLIError.sourceChanged(path: path) }
    }

    /// The sections Python's ConfigParser sees, from the Tokens module's INI parser: a
    /// hand-rolled scan would miss `[other] ; note` or an indented header, and the shred
    /// refusal would then destroy another client's tokens.
    private func sectionNames() throws -> [String] {
        try ConfigParserTokenStorage.sectionNames(in: bytes, path: path)
    }

    /// From the name, else from the first non-blank byte of the bytes already read.
    static func guessFormat(_ path: String, _ bytes: [UInt8]) -> PythonFormats.Format? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".json") { return .json }
        if lowered.hasSuffix(".cfg") || lowered.hasSuffix(".ini") || lowered.hasSuffix(".conf") { return .cfg }
        switch bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
        case UInt8(ascii: "{"): return .json
        case UInt8(ascii: "["): return .cfg
        default: return nil
        }
    }
}
