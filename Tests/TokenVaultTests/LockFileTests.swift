import Glibc
import SecureFiles
import Synchronization
import Testing
import Tokens
import TokenVault

@Suite("The lock file")
struct LockFileTests {
    /// Clearing unlinks the lock file while holding it. A writer already waiting on the old file
    /// must not treat the orphaned lock as the vault's lock while a newcomer holds the new one.
    @Test("a writer that waited on a lock file that was then unlinked waits again on the new one")
    func waiterOnUnlinkedLockFileRetries() async throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("base"))
        let lockPath = place.vault + ".lock"
        let clearer = try FileLock.acquire(lockPath, timeoutSeconds: 1)
        let newcomerReleased = Atomic(false)
        let bodyRanAfterNewcomer = Mutex<Bool?>(nil)

        let storage = place.storage(lockTimeoutSeconds: 20)
        let waiter = Task.detached {
            try storage.update { tokens in
                bodyRanAfterNewcomer.withLock { $0 = newcomerReleased.load(ordering: .sequentiallyConsistent) }
                tokens["waiter.example.org"] = tokenSet("waiter.example.org", "w")
            }
        }
        // Let the waiter open the old lock file and start waiting on it.
        usleep(300_000)
        // What clearing does: unlink the lock file while holding it.
        #expect(unlink(lockPath) == 0)
        let newcomer = try FileLock.acquire(lockPath, timeoutSeconds: 1)
        clearer.release()
        // The waiter now wins the orphaned lock; it must notice and queue behind the newcomer.
        usleep(300_000)
        newcomerReleased.store(true, ordering: .sequentiallyConsistent)
        newcomer.release()
        try await waiter.value
        #expect(bodyRanAfterNewcomer.withLock { $0 } == true)
        #expect(try place.storage().readTokens()["waiter.example.org"] != nil)
    }

    @Test("the first write creates the lock file 0600 beside the vault; reads never create it")
    func lockFileCreatedByWrites() throws {
        let place = try VaultPlace()
        #expect(try place.storage().readTokens() == [:])
        #expect(!exists(place.vault + ".lock"))
        try place.storage().writeTokens(sampleTokens("w"))
        #expect(mode(of: place.vault + ".lock") == 0o600)
        #expect(contents(of: place.vault + ".lock") == [])
    }
}
