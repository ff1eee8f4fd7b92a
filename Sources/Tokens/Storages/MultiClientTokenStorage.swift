/// Fair Research Login's default storage: one INI file shared by many apps, each app's tokens
/// in the section named by its client ID.
public struct MultiClientTokenStorage: TokenStorage {
    public let clientID: String
    private let storage: ConfigParserTokenStorage

    public var path: String { storage.path }

    public init(clientID: String, path: String = ConfigParserTokenStorage.defaultPath) {
        self.clientID = clientID
        self.storage = ConfigParserTokenStorage(path: path, section: clientID)
    }

    public func readTokens() throws(TokenStorageError) -> TokenMap { try storage.readTokens() }
    public func writeTokens(_ tokens: TokenMap) throws(TokenStorageError) { try storage.writeTokens(tokens) }
    public func clearTokens() throws(TokenStorageError) { try storage.clearTokens() }
}
