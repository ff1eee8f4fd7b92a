import Glibc
import Testing
import Tokens
import TokenVault

/// Root passes every access(2) check, so these tests set modes and owners and expect the
/// policy to refuse them by what the modes say, which is what it checks.
@Suite("Permissions")
struct PermissionTests {
    private func expectUnsafe(
        _ path: String, fixContaining fix: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected unsafePermissions for \(path)", sourceLocation: sourceLocation)
        } catch let VaultError.unsafePermissions(path: reported, reason: _, fix: reportedFix) {
            #expect(reported == path, sourceLocation: sourceLocation)
            #expect(reportedFix.contains(fix), sourceLocation: sourceLocation)
            #expect(reportedFix.hasSuffix(path), sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected unsafePermissions, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a vault that the group or others can write is refused for reading and writing, unchanged",
          arguments: [0o620, 0o602, 0o666, 0o660] as [mode_t])
    func writableVaultRefused(fileMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("mine"))
        try setMode(place.vault, fileMode)
        let before = contents(of: place.vault)
        expectUnsafe(place.vault, fixContaining: "chmod go-w") { _ = try place.storage().readTokens() }
        expectUnsafe(place.vault, fixContaining: "chmod go-w") { try place.storage().writeTokens([:]) }
        expectUnsafe(place.vault, fixContaining: "chmod go-w") { try place.storage().clearTokens() }
        #expect(contents(of: place.vault) == before)
        #expect(mode(of: place.vault) == UInt32(fileMode))
    }

    @Test("a vault others may only read opens: it is ciphertext", arguments: [0o644, 0o640, 0o604, 0o444] as [mode_t])
    func readableVaultAccepted(fileMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("shared"))
        try setMode(place.vault, fileMode)
        #expect(try place.storage().readTokens() == sampleTokens("shared"))
    }

    @Test("a keyfile that others can read or write is refused with chmod 600",
          arguments: [0o640, 0o604, 0o620, 0o602, 0o644] as [mode_t])
    func looseKeyfileRefused(fileMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("k"))
        try setMode(place.keyfile, fileMode)
        expectUnsafe(place.keyfile, fixContaining: "chmod 600") { _ = try place.storage().readTokens() }
        expectUnsafe(place.keyfile, fixContaining: "chmod 600") { try place.storage().writeTokens([:]) }
        try setMode(place.keyfile, 0o400)
        #expect(try place.storage().readTokens() == sampleTokens("k"))
    }

    @Test("a vault or keyfile owned by another (non-root) user is refused", .enabled(if: getuid() == 0))
    func foreignOwnerRefused() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("x"))
        try setOwner(place.vault, 4242)
        expectUnsafe(place.vault, fixContaining: "chown 0") { _ = try place.storage().readTokens() }
        try setOwner(place.vault, 0)
        try setOwner(place.keyfile, 4242)
        expectUnsafe(place.keyfile, fixContaining: "chown 0") { _ = try place.storage().readTokens() }
    }

    @Test("writes are refused in a directory others can write without the sticky bit; reads are not",
          arguments: [0o777, 0o770, 0o730] as [mode_t])
    func writableDirectoryRefused(directoryMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("d"))
        let before = contents(of: place.vault)
        try setMode(place.directory.path, directoryMode)
        defer { _ = try? setMode(place.directory.path, 0o700) }
        #expect(try place.storage().readTokens() == sampleTokens("d"))
        expectUnsafe(place.directory.path, fixContaining: "chmod go-w") { try place.storage().writeTokens([:]) }
        expectUnsafe(place.directory.path, fixContaining: "chmod go-w") { try place.storage().destroyVault() }
        expectUnsafe(place.directory.path, fixContaining: "chmod go-w") {
            try Keyfile.generate(at: place.directory.file("new.key"))
        }
        #expect(contents(of: place.vault) == before)
        #expect(!exists(place.directory.file("new.key")))
    }

    @Test("a sticky world-writable directory (like /tmp) is accepted for writes")
    func stickyDirectoryAccepted() throws {
        let place = try VaultPlace()
        try setMode(place.directory.path, 0o1777)
        defer { _ = try? setMode(place.directory.path, 0o700) }
        try place.storage().writeTokens(sampleTokens("sticky"))
        #expect(try place.storage().readTokens() == sampleTokens("sticky"))
    }

    @Test("a read-only vault in a read-only directory opens, and reading creates no file there")
    func readOnlyVaultOpens() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "a").writeTokens(sampleTokens("ro"))
        try place.storage().clearTokens() // no-op for another namespace; lock file stays
        _ = unlink(place.vault + ".lock")
        try setMode(place.vault, 0o444)
        try setMode(place.directory.path, 0o555)
        defer { _ = try? setMode(place.directory.path, 0o700) }
        let listing = place.directory.entries()
        #expect(try place.storage(namespace: "a").readTokens() == sampleTokens("ro"))
        #expect(try place.storage().readAllNamespaces() == ["a": sampleTokens("ro")])
        #expect(place.directory.entries() == listing)
    }

    @Test("a write never changes an existing vault's mode", arguments: [0o600, 0o640, 0o644, 0o400] as [mode_t])
    func modeKept(fileMode: mode_t) throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("m"))
        try setMode(place.vault, fileMode)
        try place.storage().writeTokens(sampleTokens("m2"))
        #expect(mode(of: place.vault) == UInt32(fileMode))
        try place.storage().update { $0["x.org"] = tokenSet("x.org", "u") }
        #expect(mode(of: place.vault) == UInt32(fileMode))
        try place.storage(namespace: "other").writeTokens(sampleTokens("o"))
        try place.storage().clearTokens() // namespace clear rewrites the vault
        #expect(mode(of: place.vault) == UInt32(fileMode))
        try place.storage().rekey(to: .keyfile(path: try place.otherKeyfile()))
        #expect(mode(of: place.vault) == UInt32(fileMode))
    }

    @Test("the umask does not loosen a new vault, its lock file or a new keyfile (umask 000 in a child)")
    func umaskCannotLoosen() throws {
        let place = try VaultPlace()
        let child = try ChildProcess(["write-new", place.vault, place.keyfile, "000"])
        #expect(child.readLine() == "done")
        #expect(child.wait() == 0)
        #expect(mode(of: place.vault) == 0o600)
        #expect(mode(of: place.vault + ".lock") == 0o600)
        let keyfile = place.directory.file("umask.key")
        let keygen = try ChildProcess(["keygen", keyfile, "000"])
        #expect(keygen.readLine() == "done")
        #expect(keygen.wait() == 0)
        #expect(mode(of: keyfile) == 0o600)
        #expect(try place.storage().readTokens() == crashState(1))
    }
}
