import Glibc
import Testing
import Tokens
import TokenVault

/// Real processes: contending writers, a lock holder, and writers killed mid-write.
@Suite("Processes", .serialized)
struct ProcessTests {
    @Test("concurrent updates from several processes lose nothing")
    func concurrentUpdates() throws {
        let place = try VaultPlace()
        try place.storage(namespace: "bystander").writeTokens(sampleTokens("bystander"))
        let processes = 4
        let updatesEach = 30
        let children = try (0..<processes).map { id in
            try ChildProcess(["update-loop", place.vault, place.keyfile, "\(id)", "\(updatesEach)"])
        }
        for child in children {
            #expect(child.readLine() == "done")
            #expect(child.wait() == 0)
        }
        let tokens = try place.storage().readTokens()
        #expect(tokens.count == processes * updatesEach)
        for id in 0..<processes {
            for i in 0..<updatesEach {
                #expect(tokens["child\(id)-\(i)"]?.expiresAtSeconds == i)
            }
        }
        #expect(try place.storage(namespace: "bystander").readTokens() == sampleTokens("bystander"))
    }

    @Test("a writer waits a bounded time for a lock another process holds, then fails clearly; reads go on")
    func lockTimeout() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(sampleTokens("held"))
        let holder = try ChildProcess(["hold-lock", place.vault, place.keyfile])
        #expect(holder.readLine() == "locked")
        let before = contents(of: place.vault)
        #expect(throws: VaultError.lockTimeout(path: place.vault, seconds: 0.2)) {
            try place.storage(lockTimeoutSeconds: 0.2).writeTokens(sampleTokens("blocked"))
        }
        #expect(throws: VaultError.lockTimeout(path: place.vault, seconds: 0.2)) {
            try place.storage(lockTimeoutSeconds: 0.2).clearTokens()
        }
        #expect(contents(of: place.vault) == before)
        #expect(try place.storage().readTokens() == sampleTokens("held"))
        // The lock dies with its process: no stale lock after a kill.
        holder.kill()
        try place.storage(lockTimeoutSeconds: 5).writeTokens(sampleTokens("after"))
        #expect(try place.storage().readTokens() == sampleTokens("after"))
    }

    @Test("a writer killed at random moments leaves a vault that opens to a state it wrote, and no plaintext anywhere")
    func killedWriters() throws {
        let place = try VaultPlace()
        try place.storage().writeTokens(crashState(0))
        var generator = SystemRandomNumberGenerator()
        var written = Set([0])
        var statesSeen = Set<Int>()
        for round in 1...30 {
            let start = round * 100_000
            let child = try ChildProcess(["write-loop", place.vault, place.keyfile, "\(start)"])
            // Wait until it is inside its loop, then kill it somewhere in the next writes.
            let first = child.readLine()
            #expect(first == "wrote \(start)")
            usleep(UInt32.random(in: 0...15_000, using: &generator))
            kill(child.pid, SIGKILL)
            #expect(child.wait() == -SIGKILL)
            while let line = child.readLine() {
                if let k = Int(line.dropFirst("wrote ".count)) { written.insert(k) }
            }
            written.insert(start)

            let tokens = try place.storage().readTokens()
            let state = try #require(tokens["auth.globus.org"]?.expiresAtSeconds)
            #expect(tokens == crashState(state), "round \(round): not a state that was written")
            // The one being written when the kill came may have landed without being reported.
            #expect(written.contains(state) || written.contains(state - 1), "round \(round): state \(state)")
            statesSeen.insert(state)
            // Each write wipes earlier dead writers' temp files: only the last kill's may remain.
            #expect(place.directory.entries().filter { $0.hasPrefix(".tokens.vault.tmp-") }.count <= 1)
            for name in place.directory.entries() {
                let bytes = contents(of: place.directory.file(name)) ?? []
                #expect(!contains(bytes, Array("PLAINTEXT-MARKER".utf8)), "\(name) holds plaintext")
            }
        }
        #expect(statesSeen.count > 1)
        // Leftover temp files (killed between create and rename) hold ciphertext only; clearing
        // wipes them with the vault. (Held open rather than hard-linked: a file with a second
        // name is not a leftover the wipe may touch.)
        let leftovers = place.directory.entries().filter { $0.hasPrefix(".tokens.vault.tmp-") }
        let held = try leftovers.map { name in
            let file = try HeldFile(place.directory.file(name))
            return (file, file.contents())
        }
        try place.storage().clearTokens()
        #expect(place.directory.entries() == ["vault.key"])
        for (file, old) in held {
            let survived = sharesAnyRun(old, with: file.contents())
            #expect(!survived, "old ciphertext survived")
        }
    }
}
