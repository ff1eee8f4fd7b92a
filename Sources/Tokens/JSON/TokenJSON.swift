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
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .malformedJSON(path: path, line: error.line, column: error.column, problem: error.problem)
        }
        do {
            return try TokenValidation.tokenMap(from: value)
        } catch {
            throw .invalidTokens(path: path, error: error)
        }
    }
}
