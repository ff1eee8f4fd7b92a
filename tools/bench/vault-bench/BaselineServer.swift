#if canImport(Glibc)
import Glibc
#endif
import Tokens
import TokenVault

/// `vault-bench WORKDIR serve`: this build as the peer of a newer one (run-all.sh's
/// BASELINE_REV), so that a change is measured with and without it in the same rounds. The
/// protocol is python_peer.py's: one command per line on stdin, the operation's wall time in
/// nanoseconds per line on stdout.
///
///     setup N JSON VAULT KEYFILE   the files the newer build wrote; answers 0
///     json-read N                  JSONTokenStorage(JSON).readTokens()
///     vault-read N                 readTokens() of one instance on VAULT, which the newer
///                                  build's writers replace between reads (so: after another writer)
///     quit
enum BaselineServer {
    static func serve() throws {
        var storages: [Int: (json: JSONTokenStorage, vault: VaultTokenStorage)] = [:]
        while let line = readLine() {
            let words = line.split(separator: " ").map(String.init)
            guard let command = words.first, command != "quit" else { return }
            guard words.count >= 2, let count = Int(words[1]) else { throw BenchFailure() }
            var samples = Samples()
            switch command {
            case "setup" where words.count == 5:
                storages[count] = (JSONTokenStorage(path: words[2]), VaultTokenStorage(path: words[3], key: .keyfile(path: words[4])))
                samples.record(0)
            case "json-read":
                guard let json = storages[count]?.json else { throw BenchFailure() }
                try samples.time { try expectEqual(json.readTokens().count, count) }
            case "vault-read":
                guard let vault = storages[count]?.vault else { throw BenchFailure() }
                try samples.time { try expectEqual(vault.readTokens().count, count) }
            default:
                throw BenchFailure()
            }
            print(Int((samples.median * 1000).rounded()))
            fflush(nil)  // every stream: naming stdout is not concurrency-safe in Swift 6
        }
    }
}
