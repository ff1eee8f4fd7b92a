import Tokens

/// A file handed to `frl-vault import` or read by `JSONTokenStorage`: the Python-compatible
/// JSON reader and the token validation behind it.
func fuzzImportJSON(_ input: UnsafeRawBufferPointer) {
    let bytes = input.bindMemory(to: UInt8.self)
    if let tokens = try? TokenJSON.decode(bytes, path: "fuzz") {
        // What reads writes back to what reads the same.
        guard (try? TokenJSON.decode(TokenJSON.encode(tokens), path: "fuzz")) == tokens else {
            fatalError("a token file that reads does not write back to the same tokens")
        }
    }
}
