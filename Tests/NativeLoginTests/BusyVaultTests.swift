import FakeAuthServer
import Foundation
@testable import NativeLogin
import Testing
import TokenVault
import Tokens
import VaultCrypto

/// A refresh holds the vault's lock during its HTTP call, which may take longer than another
/// process's vault waits for the lock (`lockTimeoutSeconds`). NativeClient keeps trying for
/// `busyStorageWaitSeconds` instead of failing that process's load.
@Suite("A vault busy with another process's refresh")
struct BusyVaultTests {
    /// Child A loads first and refreshes both sets, each answered after 800 ms, holding the lock
    /// throughout. Child B starts once A's first refresh is in flight, with a 0.2 s lock timeout:
    /// its first tries time out, and it must then wait for A and use what A saved.
    @Test func aSecondProcessWaitsForTheRefreshInsteadOfFailing() throws {
        let place = try KeyfileVault()
        let (vault, keyfile) = (place.vault, place.keyfile)
        let fixture = try LoginFixture(storage: place.storage())
        let auth = fixture.auth
        auth.setRotateRefreshTokens(true)
        let original = try fixture.login()
        try fixture.expireStored(FakeGlobusAuth.authServer)
        try fixture.expireStored(FakeGlobusAuth.transferServer)
        auth.setRefreshDelay(milliseconds: 800)

        let environment = [AuthBaseURL.environmentVariable: auth.baseURL, "PATH": "/usr/bin:/bin"]
        let first = try LoginChild(["load", vault, keyfile, LoginFixture.clientID], environment: environment)
        let second = try LoginChild(["load", vault, keyfile, LoginFixture.clientID, "0.2"], environment: environment)
        #expect(first.readLine() == "ready")
        #expect(second.readLine() == "ready")
        first.send("go")
        // Not a timed assertion: waits (at most 30 s) until the first child is inside its
        // refresh, and so holds the lock, before the second one starts.
        for _ in 0..<3000 where auth.refreshAttempts.isEmpty { usleep(10_000) }
        try #require(!auth.refreshAttempts.isEmpty, "the first child started refreshing")
        second.send("go")
        let results = [first.finish(), second.finish()]

        for result in results {
            #expect(result.status == 0, "child output: \(result.lines)")
            #expect(result.lines.last == "done")
        }
        #expect(results[0].lines == results[1].lines, "the second child used what the first saved")
        for token in original.values.compactMap(\.refreshToken) {
            #expect(auth.refreshAttempts[token] == 1, "each refresh token is presented once")
        }
        #expect(auth.refreshAttempts.count == 2)
    }

    /// When the lock stays held past `busyStorageWaitSeconds`, the vault's `lockTimeout` is the
    /// documented error, and the refresh was never attempted.
    @Test func aLockHeldTooLongEndsInTheVaultsLockTimeout() throws {
        let place = try KeyfileVault()
        let holder = place.storage()
        let fixture = try LoginFixture(storage: holder)
        try fixture.login()
        try fixture.expireStored(FakeGlobusAuth.transferServer)

        let impatient = place.storage(lockTimeoutSeconds: 0.1)
        let client = try NativeClient(clientID: LoginFixture.clientID, tokenStorage: impatient, codeHandlers: [],
                                      authBaseURL: fixture.auth.baseURL, environment: [:], busyStorageWaitSeconds: 0.5)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let holding = Thread {
            _ = try? holder.update { _ in
                locked.signal()
                release.wait()
            }
        }
        holding.start()
        locked.wait()
        defer { release.signal() }

        #expect(throws: VaultError.lockTimeout(path: place.vault, seconds: 0.1)) { try client.loadTokens() }
        #expect(fixture.auth.refreshAttempts.isEmpty)
    }
}
