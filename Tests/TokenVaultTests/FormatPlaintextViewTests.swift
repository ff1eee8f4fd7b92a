#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import SecureFiles
@testable import TokenVault
import Testing
import Tokens
import VaultCrypto

/// Token sets read in place (`TokenSetView`) must accept and refuse exactly what the
/// `TokenSet` path does, with the same errors, and hold the same values.
@Suite("Vault plaintext read in place: the same outcome as the parsed path")
struct FormatPlaintextViewTests {
    let path = "/tmp/test.vault"

    private func wrap(_ tokenSets: String) -> String {
        #"{"frl_vault":1,"namespaces":{"tokens":"# + tokenSets + "}}"
    }

    private func set(_ server: String, access: String = "AT", refresh: String = "null", expires: String = "1") -> String {
        #"{"access_token":"\#(access)","expires_at_seconds":\#(expires),"refresh_token":\#(refresh),"resource_server":"\#(server)","scope":"s t","token_type":"Bearer"}"#
    }

    /// Both paths over the same bytes: the parsed maps, or the error each gave.
    private func outcomes(_ content: [UInt8]) throws -> (parsed: Result<[String: TokenMap], VaultError>, viewed: Result<[String: TokenMap], VaultError>) {
        let padded = try content.withUnsafeBytes { try Padding.pad($0, toCount: content.count + 1) }
        let parsed = Result { () throws(VaultError) in try PlaintextDocument.decode(padded, path: path).namespaces }
        let viewed = content.withUnsafeBytes { bytes in
            Result { () throws(VaultError) -> [String: TokenMap] in
                let lease = PlaintextLease.begin()
                defer { lease.end() }
                let views = try PlaintextDocument.decodeViews(bytes, lease: lease, path: path)
                #expect(views.map(\.name) == views.map(\.name).sorted(by: CodePointOrder.precedes))
                for view in views {
                    let servers = view.tokenSets.map(\.resourceServer.string)
                    #expect(servers == servers.sorted(by: CodePointOrder.precedes))
                }
                return Dictionary(views.map { ($0.name, $0.tokenMap) }, uniquingKeysWith: { _, last in last })
            }
        }
        return (parsed, viewed)
    }

    private func expectSameOutcome(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectSameOutcome(Array(json.utf8), sourceLocation: sourceLocation)
    }

    private func expectSameOutcome(_ content: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (parsed, viewed) = try outcomes(content)
        switch (parsed, viewed) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected, sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let actual)):
            #expect(actual == expected, sourceLocation: sourceLocation)
        default:
            Issue.record("parsed: \(parsed); viewed: \(viewed)", sourceLocation: sourceLocation)
        }
    }

    @Test("the Tokens module's validation cases come out the same", arguments: FormatPlaintextParserTests.validationCases)
    func validationCases(validationCase: FormatPlaintextParserTests.ValidationCase) throws {
        try expectSameOutcome(wrap(#"{"auth.globus.org":"# + validationCase.group_json + "}"))
    }

    @Test("names out of order come out sorted; duplicates are refused wherever they are")
    func orderAndDuplicates() throws {
        try expectSameOutcome(wrap("{" + ["c", "a", "b"].map { #""\#($0)":\#(set($0))"# }.joined(separator: ",") + "}"))
        try expectSameOutcome(wrap(#"{"a":\#(set("a")),"b":\#(set("b")),"a":\#(set("a"))}"#))
        try expectSameOutcome(wrap(#"{"b":\#(set("b")),"a":\#(set("a")),"b":\#(set("b"))}"#))
        try expectSameOutcome(wrap(#"{"a":\#(set("a")),"a":\#(set("a"))}"#))
        // A duplicate before a broken set: the duplicate is what both report.
        try expectSameOutcome(wrap(#"{"b":\#(set("b")),"a":\#(set("a")),"a":\#(set("a")),"c":{"scope":1}}"#))
        try expectSameOutcome(#"{"frl_vault":1,"namespaces":{"z":{},"a":{"rs":\#(set("rs"))},"m":{}}}"#)
        // Canonically equivalent names are one name, in byte order or not, ASCII or not.
        try expectSameOutcome(wrap(#"{"e\u0301":\#(set("e\\u0301")),"\u00e9":\#(set("\\u00e9"))}"#))
        try expectSameOutcome(wrap(#"{"e\u0301":\#(set("e\\u0301")),"f":\#(set("f")),"\u00e9":\#(set("\\u00e9"))}"#))
        try expectSameOutcome(wrap(#"{"K":\#(set("K")),"\u212a":\#(set("\\u212a"))}"#))
        try expectSameOutcome(wrap(#"{"\u212a":\#(set("\\u212a")),"K":\#(set("K"))}"#))
    }

    @Test("misfiled sets, escapes and non-canonical shapes come out the same")
    func otherShapes() throws {
        try expectSameOutcome(wrap(#"{"rs":\#(set("other"))}"#))
        try expectSameOutcome(wrap(#"{"a":\#(set("b")),"b":\#(set("a"))}"#))
        try expectSameOutcome(wrap(#"{"rs":\#(set("rs", access: #"\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\udd11"#, refresh: #""R\u0054""#))}"#))
        try expectSameOutcome(wrap(#"{"r\u0073":\#(set("rs"))}"#))
        try expectSameOutcome(wrap(#"{"rs":\#(set("rs", refresh: #""""#, expires: "1.0"))}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"A","expires_at_seconds":1e3,"resource_server":"rs","extra":1}}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"é","expires_at_seconds":5,"resource_server":"rs","token_type":null}}"#))
        try expectSameOutcome(wrap(#"{"rs":{"scope":"s","access_token":"A","expires_at_seconds":5,"resource_server":"rs","token_type":"bearer"}}"#))
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            try expectSameOutcome(Array(wrap(#"{"rs":{"scope":"s","access_token":""#).utf8) + bad
                + Array(#"","expires_at_seconds":5,"resource_server":"rs"}}"#.utf8))
        }
    }

    @Test("the values read in place are the values parsed, escapes decoded")
    func values() throws {
        let json = wrap(#"{"rs":\#(set("rs", access: #"A\u0042C"#, refresh: #""RT""#, expires: "-5"))}"#)
        try withLease(over: Array(json.utf8)) { bytes, lease in
            let views = try PlaintextDocument.decodeViews(bytes, lease: lease, path: path)
            let view = try #require(views.first?.tokenSets.first)
            #expect(view.accessToken.string == "ABC")
            #expect(view.refreshToken?.string == "RT")
            #expect(view.scope.withUTF8 { Array($0) } == Array("s t".utf8))
            #expect(view.tokenType.string == "Bearer")
            #expect(view.expiresAtSeconds == -5)
            #expect(view.resourceServer.string == "rs")
        }
    }

    @Test("the writer's own output is read by the canonical pass, with the general parser's views")
    func canonicalPassReadsWriterOutput() throws {
        try withLease(over: try writerContent(of: VaultVectors.document)) { content, lease in
            let canonical = try #require(CanonicalPlaintext.namespaceViews(in: content, lease: lease))
            let generalInOrder = PlaintextDocument.inCodePointOrder(try PlaintextParser.namespaceViews(in: content, lease: lease))
            #expect(canonical.map(\.name) == generalInOrder.map(\.name))
            #expect(canonical.map { $0.tokenSets.map(\.tokenSet) } == generalInOrder.map { $0.tokenSets.map(\.tokenSet) })
            #expect(canonical.count > 1 && canonical.contains { $0.tokenSets.count > 1 })
        }
    }

    @Test("only printable ASCII is marked as printable as it is")
    func knownPlainASCII() throws {
        // No escapes: the canonical pass reads this document. (One with escapes goes to the
        // general parser, which marks nothing.)
        let values = ["plain-token", "caf\u{E9}", "del\u{7F}x"]
        var map = TokenMap()
        for (index, value) in values.enumerated() {
            let server = "rs\(index).example.org"
            map[server] = TokenSet(scope: "s", accessToken: value, refreshToken: nil, expiresAtSeconds: 1, resourceServer: server)
        }
        try withLease(over: try writerContent(of: VaultDocument(namespaces: ["tokens": map]))) { content, lease in
            let views = try PlaintextDocument.decodeViews(content, lease: lease, path: path)
            let sets = try #require(views.first?.tokenSets)
            #expect(sets.map(\.accessToken.string) == values)
            #expect(sets.map(\.accessToken.isKnownPlainASCII) == [true, false, false])
            #expect(sets.allSatisfy { $0.resourceServer.isKnownPlainASCII && $0.scope.isKnownPlainASCII })
            #expect(sets.allSatisfy { $0.tokenType.isKnownPlainASCII && $0.tokenType.string == "Bearer" })
        }
    }

    @Test("seeded mutations of a valid plaintext come out the same both ways")
    func mutations() throws {
        let original = try writerContent(of: VaultVectors.document)
        for mutated in seededMutations(of: original, seed: 0x7E_5EED, count: 3000) {
            try expectSameOutcome(mutated)
        }
    }

    @Test("a view prints no token")
    func redactedDescriptions() throws {
        let content = Array(wrap(#"{"rs":\#(set("rs", access: "SECRET-AT", refresh: #""SECRET-RT""#))}"#).utf8)
        try withLease(over: content) { bytes, lease in
            let view = try #require(try PlaintextDocument.decodeViews(bytes, lease: lease, path: path).first?.tokenSets.first)
            for text in [String(describing: view), String(reflecting: view), String(describing: view.accessToken), "\(Mirror(reflecting: view).children.map(\.value))"] {
                #expect(!text.contains("SECRET"), "\(text)")
            }
        }
    }
}

/// `withNamespaceViews` on real vault files: the same contents and errors as `readAllNamespaces`.
@Suite("Vault storage: namespaces read in place")
struct NamespaceViewStorageTests {
    @Test("views hold what readAllNamespaces returns, sorted, from a fresh instance and a cached one")
    func sameAsReadAll() throws {
        let place = try VaultPlace()
        let writer = place.storage(namespace: "b")
        try writer.writeTokens(sampleTokens("b", count: 7))
        try place.storage(namespace: "a").writeTokens(sampleTokens("a", count: 2))
        try writer.writeTokens(sampleTokens("b2", count: 5))  // the writer's cache now holds the file
        for storage in [place.storage(), writer] {
            let expected = try storage.readAllNamespaces()
            try storage.withNamespaceViews { views in
                #expect(views.map(\.name) == ["a", "b"])
                #expect(Dictionary(uniqueKeysWithValues: views.map { ($0.name, $0.tokenMap) }) == expected)
                for view in views {
                    let servers = view.tokenSets.map(\.resourceServer.string)
                    #expect(servers == servers.sorted(by: CodePointOrder.precedes))
                }
            }
        }
    }

    @Test("a view kept past the call no longer reads the wiped plaintext")
    func leaseEnds() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x"))
        var kept: TokenSetView?
        try place.storage().withNamespaceViews { views in
            kept = views.first?.tokenSets.first
            #expect(kept?.accessToken.isExpired == false)
        }
        #expect(kept?.accessToken.isExpired == true)
        // The next call reuses the ended lease's slot: a number check, not only a flag.
        try place.storage().withNamespaceViews { views in
            #expect(views.first?.tokenSets.first?.accessToken.isExpired == false)
            #expect(kept?.accessToken.isExpired == true)
        }
    }

    @Test("reading a view kept past the call stops the program, in place or read the long way")
    func readingAnExpiredViewTraps() async {
        // The lease check's trap (SIGILL from the precondition), not a fault from reading the
        // released buffer (SIGSEGV), which would also end the child.
        await #expect(processExitsWith: .signal(SIGILL)) { Self.readAViewPastItsCall(escaped: false) }
        await #expect(processExitsWith: .signal(SIGILL)) { Self.readAViewPastItsCall(escaped: true) }
    }

    /// In a child process: a fresh vault, a view kept past `withNamespaceViews`, then its scope
    /// read. The canonical read lends in-place views; an escaped token sends the set the long
    /// way, where the unescaped scope is still lent from the plaintext (the decoded token is a
    /// String of its own).
    private static func readAViewPastItsCall(escaped: Bool) {
        guard let place = try? VaultPlace() else { return }
        let server = "rs.example.org"
        let token = escaped ? "AT\"quoted\"" : "AT-plain"
        let map: TokenMap = [server: TokenSet(scope: "s", accessToken: token, refreshToken: "RT", expiresAtSeconds: 1, resourceServer: server)]
        guard (try? place.storage().writeTokens(map)) != nil else { return }
        var kept: TokenSetView?
        _ = try? place.storage().withNamespaceViews { views in kept = views.first?.tokenSets.first }
        _ = kept?.scope.string
    }

    @Test("leases active at once are independent, and ending one twice ends nothing else")
    func leasesAreIndependent() {
        let first = PlaintextLease.begin()
        let second = PlaintextLease.begin()
        #expect(first.isActive && second.isActive)
        first.end()
        first.end()
        let third = PlaintextLease.begin()
        #expect(!first.isActive && second.isActive && third.isActive)
        second.end()
        third.end()
        #expect(!second.isActive && !third.isActive)
    }

    @Test("many namespaces do not each hold room for the whole vault")
    func manyNamespacesStaySmall() throws {
        var namespaces: [String: TokenMap] = [:]
        for index in 0..<300 { namespaces["n\(index)"] = sampleTokens("n\(index)", count: 1) }
        let content = try writerContent(of: VaultDocument(namespaces: namespaces))
        try withLease(over: content) { bytes, lease in
            let views = try #require(CanonicalPlaintext.namespaceViews(in: bytes, lease: lease))
            #expect(views.count == 300)
            let room = views.reduce(0) { $0 + $1.tokenSets.capacity }
            #expect(room <= content.count / 100 + 1 + 4 * 300, "\(room) view slots for \(content.count) bytes")
        }
    }

    @Test("a call that fails before there is plaintext to lend gives its lease back")
    func failedCallsKeepNoLease() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x"))
        let wrong = VaultTokenStorage(path: place.vault, key: .keyfile(path: try place.otherKeyfile()))
        try place.storage().withNamespaceViews { _ in }
        let before = PlaintextLease.slotsMade
        for _ in 0..<50 { _ = try? wrong.withNamespaceViews { _ in } }
        try place.storage().withNamespaceViews { _ in }
        // Other tests may run leases at the same time; 50 leaked slots would show regardless.
        #expect(PlaintextLease.slotsMade - before < 10)
    }

    @Test("a missing vault and a wrong key fail as readAllNamespaces fails")
    func errors() throws {
        let place = try VaultPlace()
        #expect(throws: VaultError.missingVault(path: place.vault)) { try place.storage().withNamespaceViews { _ in } }
        try place.storage().writeTokens(sampleTokens("x"))
        let wrong = VaultTokenStorage(path: place.vault, key: .keyfile(path: try place.otherKeyfile()))
        #expect(throws: VaultError.wrongKey(path: place.vault)) { try wrong.withNamespaceViews { _ in } }
    }

    @Test("flipped bits and truncations fail in place exactly as the ordinary read fails")
    func hostileFiles() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x", count: 3))
        let original = try #require(try SecureFile.readIfPresent(place.vault))
        var variants: [[UInt8]] = [0, 1, 7, 100, 132, 133, 150, original.count - 1].map { Array(original.prefix($0)) }
        for position in Array(0..<150) + [original.count / 2, original.count - 1] {
            var flipped = original
            flipped[position] ^= 0x10
            variants.append(flipped)
        }
        variants.append(original + [0])
        for bytes in variants {
            try SecureFile.writeAtomically(bytes, to: place.vault)
            let expected = Result { try place.storage().readAllNamespaces() }
            let actual = Result { try place.storage().withNamespaceViews { views in views.map(\.tokenMap) } }
            switch (expected, actual) {
            case (.failure(let expectedError as VaultError), .failure(let actualError as VaultError)):
                #expect(actualError == expectedError, "\(bytes.count) bytes")
            default:
                Issue.record("\(bytes.count) bytes: readAllNamespaces \(expected), views \(actual)")
            }
        }
    }
}

/// The JSON the writer produces for `document`: its plaintext without the padding.
private func writerContent(of document: VaultDocument) throws -> [UInt8] {
    let encoded = try PlaintextDocument.encode(document, path: "/tmp/x")
    let contentCount = try Padding.unpaddedCount(of: encoded)
    return encoded.withUnsafeBytes { Array($0.prefix(contentCount)) }
}

/// `body` with `content`'s bytes and a lease that ends when it returns.
private func withLease<R>(over content: [UInt8], _ body: (UnsafeRawBufferPointer, PlaintextLease) throws -> R) throws -> R {
    try content.withUnsafeBytes { bytes in
        let lease = PlaintextLease.begin()
        defer { lease.end() }
        return try body(bytes, lease)
    }
}
