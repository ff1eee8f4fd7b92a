import Tokens

/// A ConfigParser-style INI file handed to `frl-vault import` or read by
/// `ConfigParserTokenStorage`: the INI reader, the section names the shred check relies on,
/// and the token sets of a section.
func fuzzImportINI(_ input: UnsafeRawBufferPointer) {
    let bytes = Array(input)
    if let sections = try? ConfigParserTokenStorage.sectionNames(in: bytes, path: "fuzz") {
        for section in sections.prefix(4) {
            _ = try? ConfigParserTokenStorage.tokens(in: bytes, section: section, path: "fuzz")
        }
    }
    _ = try? ConfigParserTokenStorage.tokens(in: bytes, section: "tokens", path: "fuzz")
}
