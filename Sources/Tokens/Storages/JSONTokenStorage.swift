internal import SecureFiles

/// Tokens in a JSON file, laid out byte for byte as Fair Research Login's `JSONTokenStorage`
/// writes it (`json.dump(tokens, fh, indent=2)`), so either library can read the other's file.
///
/// Unlike the Python class, writes are atomic and always leave the file at mode 0600, and a
/// read validates every set (Python validates later, in `NativeClient.load_tokens`).
public struct JSONTokenStorage: TokenStorage {
    /// Python's default: `mytokens.json` in the current directory.
    public static let defaultPath = "mytokens.json"

    public let path: String

    public init(path: String = JSONTokenStorage.defaultPath) {
        self.path = path
    }

    /// An absent or empty file holds no tokens (Python's `read_tokens` returns None for both).
    public func readTokens() throws(TokenStorageError) -> TokenMap {
        let bytes: [UInt8]?
        do {
            bytes = try SecureFile.readIfPresent(path)
        } catch {
            throw .reading(path, error)
        }
        guard let bytes, !bytes.isEmpty else { return [:] }
        return try TokenJSON.decode(bytes, path: path)
    }

    public func writeTokens(_ tokens: TokenMap) throws(TokenStorageError) {
        var (bytes, everySetValid) = PythonJSONWriter.encodeNoting(tokens)
        if !everySetValid {
            // validate() words the error (and picks the same set each time).
            do {
                try tokens.validate()
            } catch {
                SecureFile.wipe(&bytes)
                throw .invalidTokens(path: path, error: error)
            }
        }
        do {
            try SecureFile.writeAtomically(bytes, to: path, mode: 0o600)
        } catch {
            throw .writing(path, error)
        }
    }

    /// Removes the file, as Python does; no file is not an error.
    public func clearTokens() throws(TokenStorageError) {
        if let status = try? SecureFile.status(of: path), status.isDirectory {
            throw .isDirectory(path: path)
        }
        do {
            try SecureFile.remove(path)
        } catch {
            throw .writing(path, error)
        }
    }
}
