import Foundation
import SecureFiles
import Testing
import Tokens

/// Permissions, atomicity and the errors for paths that are not token files.
@Suite(.serialized) struct FileSafetyTests {
    static let tokens = tokenMap(
        TokenSet(scope: "openid", accessToken: "A-secret", refreshToken: "R-secret", expiresAtSeconds: 1, resourceServer: "auth.globus.org"))

    static func storages(in directory: TemporaryDirectory) -> [(String, any TokenStorage)] {
        [
            ("json", JSONTokenStorage(path: directory.file("t.json"))),
            ("ini", ConfigParserTokenStorage(path: directory.file("t.cfg"))),
            ("multi", MultiClientTokenStorage(clientID: "client", path: directory.file("m.cfg"))),
        ]
    }

    static func path(of storage: any TokenStorage) -> String {
        switch storage {
        case let json as JSONTokenStorage: return json.path
        case let ini as ConfigParserTokenStorage: return ini.path
        case let multi as MultiClientTokenStorage: return multi.path
        default: return ""
        }
    }

    /// The writes run in a child process with the umask set (see UmaskChild).
    @Test(arguments: [0o000, 0o077, 0o022] as [mode_t])
    func filesAre0600WhateverTheUmask(_ mask: mode_t) throws {
        let directory = try TemporaryDirectory()
        // The control: the child's umask is in force, and a file created without care shows it.
        try UmaskChild.run(umask: mask, ["create", directory.file("plain")])
        #expect(try mode(of: directory.file("plain")) == 0o666 & ~UInt32(mask))
        for (kind, storage) in Self.storages(in: directory) {
            let path = Self.path(of: storage)
            try UmaskChild.run(umask: mask, ["write", kind, path])
            #expect(try mode(of: path) == 0o600)
            #expect(try storage.readTokens() == Self.tokens)
            try UmaskChild.run(umask: mask, ["clear", kind, path])
            #expect(try storage.readTokens() == [:])
            if let status = try SecureFile.status(of: path) {
                #expect(status.mode == 0o600)
            }
        }
    }

    @Test func aLooseExistingFileIsTightenedOnWrite() throws {
        let directory = try TemporaryDirectory()
        for (_, storage) in Self.storages(in: directory) {
            let path = Self.path(of: storage)
            try SecureFile.writeAtomically(Array("".utf8), to: path, mode: 0o644)
            try storage.writeTokens(Self.tokens)
            #expect(try mode(of: path) == 0o600)
        }
    }

    @Test func aDirectoryAtThePathIsNamedInTheError() throws {
        let directory = try TemporaryDirectory()
        for (_, storage) in Self.storages(in: directory) {
            let path = Self.path(of: storage)
            #expect(mkdir(path, 0o700) == 0)
            for operation in [
                { _ = try storage.readTokens() }, { try storage.writeTokens(Self.tokens) }, { try storage.clearTokens() },
            ] as [() throws -> Void] {
                #expect(throws: TokenStorageError.isDirectory(path: path)) { try operation() }
            }
            #expect(String(describing: TokenStorageError.isDirectory(path: path)).hasPrefix(path + ": "))
        }
    }

    /// Every way a write can be refused leaves the old file byte-identical.
    @Test func failedWritesLeaveTheOldFileIntact() throws {
        let directory = try TemporaryDirectory()
        let json = JSONTokenStorage(path: directory.file("a.json"))
        let ini = ConfigParserTokenStorage(path: directory.file("a.cfg"))
        try json.writeTokens(Self.tokens)
        try ini.writeTokens(Self.tokens)
        let jsonBefore = try contents(of: json.path)
        let iniBefore = try contents(of: ini.path)

        var misfiled = Self.tokens
        misfiled["other"] = misfiled["auth.globus.org"]
        #expect(throws: TokenStorageError.self) { try json.writeTokens(misfiled) }
        #expect(throws: TokenStorageError.self) { try ini.writeTokens(misfiled) }
        let unrepresentable = tokenMap(TokenSet(scope: "s", accessToken: "A", refreshToken: nil, expiresAtSeconds: 1, resourceServer: "x=y"))
        #expect(throws: TokenStorageError.self) { try ini.writeTokens(unrepresentable) }

        #expect(try contents(of: json.path) == jsonBefore)
        #expect(try contents(of: ini.path) == iniBefore)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.cfg", "a.json"])
    }

    /// The operating system refuses the write; root ignores directory permissions, so this
    /// runs only for other users.
    @Test(.enabled(if: getuid() != 0, "root ignores directory permissions"))
    func aWriteIntoAReadOnlyDirectoryFailsAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        for (_, storage) in Self.storages(in: directory) {
            try storage.writeTokens(Self.tokens)
        }
        let before = try Self.storages(in: directory).map { try contents(of: Self.path(of: $0.1)) }
        #expect(chmod(directory.path, 0o500) == 0)
        defer { chmod(directory.path, 0o700) }
        for (_, storage) in Self.storages(in: directory) {
            let error = try #require(throws: TokenStorageError.self) { try storage.writeTokens([:]) }
            guard case .unwritable(let path, _) = error else {
                Issue.record("expected unwritable, got \(error)")
                continue
            }
            #expect(path == Self.path(of: storage))
            #expect(String(describing: error).contains(path))
        }
        let after = try Self.storages(in: directory).map { try contents(of: Self.path(of: $0.1)) }
        #expect(before == after)
    }

    @Test(.enabled(if: getuid() != 0, "root reads any file"))
    func anUnreadableFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        for (_, storage) in Self.storages(in: directory) {
            try storage.writeTokens(Self.tokens)
            let path = Self.path(of: storage)
            #expect(chmod(path, 0o000) == 0)
            let error = try #require(throws: TokenStorageError.self) { _ = try storage.readTokens() }
            #expect(error == .unreadable(path: path, cause: .permissionDenied(path: path)))
            #expect(String(describing: error).contains(path))
        }
    }

    @Test func aMissingParentDirectoryIsNamed() throws {
        let directory = try TemporaryDirectory()
        let storage = JSONTokenStorage(path: directory.file("no/such/dir/t.json"))
        #expect(try storage.readTokens() == [:])
        let error = try #require(throws: TokenStorageError.self) { try storage.writeTokens(Self.tokens) }
        #expect(String(describing: error).contains(storage.path))
    }

    @Test func malformedJSONFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("broken.json", "{\n  \"auth.globus.org\": {\n    \"scope\": \"s\",\n  }\n}")
        let error = try #require(throws: TokenStorageError.self) { _ = try JSONTokenStorage(path: path).readTokens() }
        #expect(error == .malformedJSON(path: path, line: 4, column: 3, problem: "expected a quoted key"))
        #expect(String(describing: error) == "\(path): not valid JSON at line 4, column 3: expected a quoted key")
        let invalid = try directory.write("invalid.json", #"{"auth.globus.org": {"scope": "s"}}"#)
        let validation = try #require(throws: TokenStorageError.self) { _ = try JSONTokenStorage(path: invalid).readTokens() }
        #expect(String(describing: validation) == "\(invalid): token set for 'auth.globus.org': missing required keys access_token, expires_at_seconds, resource_server (missing_required)")
    }

    @Test func anEmptyJSONFileHoldsNoTokensButWhitespaceIsMalformed() throws {
        let directory = try TemporaryDirectory()
        #expect(try JSONTokenStorage(path: try directory.write("empty.json", "")).readTokens() == [:])
        #expect(throws: TokenStorageError.self) { _ = try JSONTokenStorage(path: try directory.write("blank.json", " \n")).readTokens() }
    }

    @Test func symlinkedTokenFilesStayLinked() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("real.json")
        let link = directory.file("link.json")
        try JSONTokenStorage(path: target).writeTokens([:])
        #expect(symlink(target, link) == 0)
        try JSONTokenStorage(path: link).writeTokens(Self.tokens)
        #expect(try SecureFile.status(of: link, followingSymlinks: false)?.isSymbolicLink == true)
        #expect(try JSONTokenStorage(path: target).readTokens() == Self.tokens)
    }
}
