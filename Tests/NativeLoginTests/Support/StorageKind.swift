import Foundation
import Tokens

/// Every storage the full login cycle runs against, made fresh in a private temp directory.
enum StorageKind: String, CaseIterable, Sendable {
    case memory
    case json
    case ini
    case multiClient

    func make(in directory: TemporaryDirectory, clientID: String = LoginFixture.clientID) throws -> any TokenStorage {
        switch self {
        case .memory: return MemoryTokenStorage()
        case .json: return JSONTokenStorage(path: directory.file("tokens.json"))
        case .ini: return ConfigParserTokenStorage(path: directory.file("tokens.cfg"), section: "tokens")
        case .multiClient: return MultiClientTokenStorage(clientID: clientID, path: directory.file("native-apps.cfg"))
        }
    }
}

