import Foundation
import Testing
import Tokens

/// Opt-in: compares the INI reader with Python's on the cases tools/python/ini_differential.py
/// wrote to $TOKENS_INI_DIFFERENTIAL_DIR. Skipped unless that is set.
@Suite struct INIDifferentialTests {
    static let directory = ProcessInfo.processInfo.environment["TOKENS_INI_DIFFERENTIAL_DIR"]

    @Test(.enabled(if: directory != nil, "set TOKENS_INI_DIFFERENTIAL_DIR to run"))
    func agreesWithPythonOnEveryCase() throws {
        let directory = try #require(Self.directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".cfg") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let path = directory + "/" + name
            let outcome = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".outcome.json")))
            let python = try #require(outcome as? [String: Any])
            let swift = Result { try ConfigParserTokenStorage(path: path).readTokens() }
            switch (swift, python["tokens"]) {
            case (.success(let tokens), .some(let expected)):
                #expect(tokens == (try TokenMap.validated(fromJSONObject: expected)), "\(name)")
            case (.failure, .none):
                break
            case (.success, .none):
                Issue.record("\(name): Swift read it, Python raised \(python["error"] ?? "?")")
            case (.failure(let error), .some):
                Issue.record("\(name): Python read it, Swift failed: \(error)")
            }
        }
    }
}
