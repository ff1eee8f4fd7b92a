/// The JSON form of a token map that Fair Research Login's `JSONTokenStorage` reads and writes,
/// for code that keeps the bytes somewhere other than a plain file (an encrypted vault, say).
public enum TokenJSON {
    /// `json.dump(tokens, fh, indent=2)` as Python writes it: resource servers sorted,
    /// non-ASCII escaped, `refresh_token` null when absent, no trailing newline.
    public static func encode(_ tokens: TokenMap) -> [UInt8] {
        PythonJSONWriter.encode(tokens)
    }

    /// Parses JSON as Python's `json.loads` does and validates every set (see
    /// `TokenSet(validating:)`). `path` names the source in errors.
    public static func decode(_ bytes: some Collection<UInt8>, path: String) throws(TokenStorageError) -> TokenMap {
        func decoded(_ buffer: UnsafeRawBufferPointer) -> Result<TokenMap, TokenStorageError> {
            do throws(TokenStorageError) { return .success(try decode(buffer, path: path)) } catch { return .failure(error) }
        }
        let inPlace = bytes.withContiguousStorageIfAvailable { decoded(UnsafeRawBufferPointer($0)) }
        return try (inPlace ?? Array(bytes).withUnsafeBytes(decoded)).get()
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(TokenStorageError) -> TokenMap {
        var reader = JSONReader(bytes, mode: .pythonCompatible)
        do throws(JSONReader.Failure) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                throw reader.failure("starts with a UTF-8 byte order mark, which Python's json refuses")
            }
            return try reader.tokenMap(depth: 0, wholeText: true)
        } catch {
            switch error.kind {
            case .tokens(let error):
                throw .invalidTokens(path: path, error: error)
            case .syntax(let problem):
                throw malformed(bytes, at: error.offset, problem: problem, path: path)
            case .tooDeep:
                throw malformed(bytes, at: error.offset, problem: "nested deeper than \(reader.maximumDepth) levels", path: path)
            case .duplicateMember, .duplicateResourceServer, .notAnObject:
                // Only the strict mode reports these.
                throw malformed(bytes, at: error.offset, problem: "unexpected structure", path: path)
            }
        }
    }

    /// Line and column (1-based, in bytes) of `offset`.
    private static func malformed(_ bytes: UnsafeRawBufferPointer, at offset: Int, problem: String, path: String) -> TokenStorageError {
        var line = 1
        var lineStart = 0
        for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0A {
            line += 1
            lineStart = position + 1
        }
        return .malformedJSON(path: path, line: line, column: offset - lineStart + 1, problem: problem)
    }
}
