// vault-bench: the vault against JSONTokenStorage, against the file-system floors and against
// its Python peers (Fair Research Login's JSONTokenStorage and a PyNaCl reference vault, run by
// tools/bench/python_peer.py as a child process), in one run, interleaved round by round so
// that load from other users hits every candidate alike. Run through tools/bench/vault-bench.sh
// (release build, private temp dir, the Python peers' interpreter, RESULTS.md update).
//
//   vault-bench WORKDIR     prints the RESULTS.md section (markdown) on stdout
//   vault-bench WORKDIR serve  this build as another build's baseline peer (BaselineServer.swift)
//   vault-bench WORKDIR profile read|changedread|coldread|jsonread|jsonwrite|write|coldwrite|floor|pair COUNT ROUNDS
//                           only that keyfile-mode operation, for perf/callgrind; prints the median
#if canImport(Glibc)
import Glibc
#endif
import SecureFiles
import Tokens
import TokenVault
import VaultCrypto

struct Samples {
    var microseconds: [Double] = []

    mutating func time(_ body: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        microseconds.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
    }

    func percentile(_ p: Double) -> Double {
        let sorted = microseconds.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    var median: Double { percentile(0.5) }

    /// A time measured elsewhere (by the Python peer, around its own operation).
    mutating func record(_ value: Double) { microseconds.append(value) }
}

func format(_ microseconds: Double) -> String {
    if microseconds >= 10_000 { return String(Int((microseconds / 1000).rounded())) + " ms" }
    if microseconds >= 1_000 { return String((microseconds / 100).rounded() / 10) + " ms" }
    return String(Int(microseconds.rounded())) + " µs"
}

func ratio(_ a: Double, _ b: Double) -> String {
    String((a / b * 100).rounded() / 100) + "x"
}

func tokens(count: Int) -> TokenMap {
    var map: TokenMap = [:]
    for index in 0..<count {
        let server = index == 0 ? "auth.globus.org" : "resource-server-\(index).api.globus.org"
        map[server] = TokenSet(
            scope: "urn:globus:auth:scope:\(server):all openid profile email",
            accessToken: "Ag" + String(repeating: "x", count: 60) + "\(index)",
            refreshToken: index.isMultiple(of: 3) ? nil : "Ar" + String(repeating: "y", count: 90) + "\(index)",
            expiresAtSeconds: 1_700_000_000 + index, resourceServer: server)
    }
    return map
}

struct BenchFailure: Error {}

/// A benchmark that measured a failing read would be worse than none.
func expectEqual(_ got: Int, _ expected: Int) throws {
    guard got == expected else { throw BenchFailure() }
}

func passphrase(_ text: String) throws -> Passphrase {
    try Array(text.utf8).withUnsafeBytes { try Passphrase(copying: $0) }
}

/// One operation in a loop, so that a profiler sees nothing else.
func profile(work: String, keyfile: String, operation: String, count: Int, rounds: Int) throws {
    let map = tokens(count: count)
    let vault = VaultTokenStorage(path: work + "/profile-\(count).vault", key: .keyfile(path: keyfile))
    try vault.writeTokens(map)
    let bytes = try SecureFile.read(vault.path)
    var samples = Samples()
    for _ in 0..<(operation == "pair" ? 0 : rounds) {
        if operation == "jsonwrite" {
            let json = JSONTokenStorage(path: work + "/profile-\(count).json")
            try samples.time { try json.writeTokens(map) }
        } else if operation == "jsonread" {
            let json = JSONTokenStorage(path: work + "/profile-\(count).json")
            if samples.microseconds.isEmpty { try json.writeTokens(map) }
            try samples.time { try expectEqual(json.readTokens().count, count) }
        } else if operation == "floor" {
            try samples.time { try SecureFile.writeAtomically(bytes, to: work + "/floor.bin") }
        } else if operation == "coldread" {
            let fresh = VaultTokenStorage(path: vault.path, key: .keyfile(path: keyfile))
            try samples.time { try expectEqual(fresh.readTokens().count, count) }
        } else if operation == "changedread" {
            // Another instance writes first, so this read has to decrypt and parse in full.
            try VaultTokenStorage(path: vault.path, key: .keyfile(path: keyfile)).writeTokens(map)
            try samples.time { try expectEqual(vault.readTokens().count, count) }
        } else if operation == "coldwrite" {
            // Another instance writes first, so this write has to decode the file in full.
            try VaultTokenStorage(path: vault.path, key: .keyfile(path: keyfile)).writeTokens(map)
            try samples.time { try vault.writeTokens(map) }
        } else if operation == "write" {
            try samples.time { try vault.writeTokens(map) }
        } else {
            try samples.time { try expectEqual(vault.readTokens().count, count) }
        }
    }
    if operation == "pair" {
        // Write and floor interleaved, as the full run does, so that load hits both alike.
        var floor = Samples()
        for _ in 0..<rounds {
            try samples.time { try vault.writeTokens(map) }
            try floor.time { try SecureFile.writeAtomically(bytes, to: work + "/floor.bin") }
        }
        print("write \(format(samples.median)), floor \(format(floor.median)), ratio \(ratio(samples.median, floor.median))")
        return
    }
    print("\(operation) \(count): median \(format(samples.median)), p90 \(format(samples.percentile(0.9)))")
}

@main
struct VaultBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3 && arguments[2] == "serve" {
            try BaselineServer.serve()
            return
        }
        guard arguments.count == 2 || (arguments.count == 6 && arguments[2] == "profile") else {
            print("usage: vault-bench WORKDIR [profile read|changedread|coldread|jsonread|jsonwrite|write|coldwrite|floor|pair COUNT ROUNDS]")
            return
        }
        let work = arguments[1]
        let keyfile = work + "/bench.key"
        try Keyfile.generate(at: keyfile)
        if arguments.count == 6 {
            // At least one round, so that there is a median to print.
            try profile(work: work, keyfile: keyfile, operation: arguments[3],
                        count: Int(arguments[4]) ?? 5, rounds: max(1, Int(arguments[5]) ?? 1000))
            return
        }

        guard let python = getenv("VAULT_BENCH_PYTHON").map({ String(cString: $0) }),
              let script = getenv("VAULT_BENCH_PEER").map({ String(cString: $0) }) else {
            print("vault-bench: set VAULT_BENCH_PYTHON and VAULT_BENCH_PEER (tools/bench/vault-bench.sh does)")
            throw BenchFailure()
        }
        let peer = PeerProcess(python: python, script: script)
        defer { peer.stop() }
        // An older build of this benchmark (tools/bench/run-all.sh's BASELINE_REV), for a change
        // measured with and without it in the same rounds.
        let baselineNote = getenv("VAULT_BENCH_BASELINE_NOTE").map { String(cString: $0) } ?? "an older build"
        // This build runs as a child too, so that both sides of the comparison are child
        // processes doing nothing else (a process that does only one operation keeps a
        // different heap from this one, which does everything).
        // Both from copies in one folder (vault-bench.sh makes them; VAULT_BENCH_CURRENT), as
        // where an executable lies changes how fast it runs.
        let children = getenv("VAULT_BENCH_BASELINE").map { String(cString: $0) }.map { older in
            let current = getenv("VAULT_BENCH_CURRENT").map { String(cString: $0) } ?? "/proc/self/exe"
            mkdir(work + "/baseline", 0o700)
            mkdir(work + "/current", 0o700)
            return (current: PeerProcess(executable: current, arguments: [current, work + "/current", "serve"]),
                    baseline: PeerProcess(executable: older, arguments: [older, work + "/baseline", "serve"]))
        }
        defer {
            children?.current.stop()
            children?.baseline.stop()
        }
        var baselineLines: [String] = [
            "",
            "With and without this build's changes, in the same rounds: this build and the baseline, \(baselineNote), each run as a child process (`vault-bench WORKDIR serve`) that reads the same files and times its own reads (so these rows are not comparable with the tables above, whose reads run in this busier process).",
            "",
            "| resource servers | JSON read | baseline JSON read | ratio | vault read after another writer | baseline vault read after another writer | ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        var peerLines: [String] = [
            "",
            "Against the Python peers, in the same rounds: Fair Research Login's `JSONTokenStorage` (CPython, `read_tokens` and `write_tokens`, which does not fsync) and a PyNaCl reference vault (`tools/bench/python_peer.py`: read = read the file, derive the box key, `secretbox` open, unpad, `json.loads`; write = `json.dumps`, pad, seal, atomic replace with fsyncs; no checks, no lock). Each peer times itself around its operation; the vault rows are the ones above.",
            "",
            "| resource servers | FRL JSON read | Swift JSON read | PyNaCl reference read | vault read after another writer | vault read, new instance | atomic-write floor (vault bytes) | vault write | PyNaCl reference write | atomic-write floor (JSON bytes) | Swift JSON write | FRL JSON write (no fsync) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        var peerVerdicts: [String] = []

        var lines: [String] = []
        lines.append("| resource servers | file size | JSON read | vault read (keyfile) | vault read (passphrase, cached key) | bare read floor | JSON write | vault write (keyfile) | vault write (passphrase, cached key) | atomic-write floor |")
        lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var verdicts: [String] = []
        var coldLines: [String] = [
            "",
            "The table above repeats one operation on one instance, so a read finds the file it read last time and a write finds its own previous write: both reuse the instance's cached document (verified by comparing every byte of the file) instead of decrypting again. The cold paths, keyfile mode (a write after another writer decrypts and parses the whole vault, then writes it back with its namespace replaced):",
            "",
            "| resource servers | read, new instance (keyfile load + full decrypt and parse) | read after another writer (full decrypt and parse) | read, unchanged file | write after another writer (full decrypt and parse, then seal) | write after its own write |",
            "|---:|---:|---:|---:|---:|---:|",
        ]

        for (count, rounds) in [(5, 200), (50, 200), (1_000, 40), (10_000, 12)] {
            let map = tokens(count: count)
            let json = JSONTokenStorage(path: work + "/tokens-\(count).json")
            let keyfileVault = VaultTokenStorage(path: work + "/keyfile-\(count).vault", key: .keyfile(path: keyfile))
            let passphraseVault = VaultTokenStorage(
                path: work + "/passphrase-\(count).vault",
                key: .passphrase(try passphrase("bench passphrase"), kdf: .moderate))
            // Two instances taking turns on one vault: each write finds the other's file, so it
            // decrypts and parses it in full (the cache cannot help), as writers in separate
            // processes do.
            let contested = work + "/contested-\(count).vault"
            let firstWriter = VaultTokenStorage(path: contested, key: .keyfile(path: keyfile))
            let secondWriter = VaultTokenStorage(path: contested, key: .keyfile(path: keyfile))
            let floorPath = work + "/floor-\(count).bin"
            try firstWriter.writeTokens(map)
            // Warm-up: creates every file, resolves the keyfile, runs the one Argon2id.
            try json.writeTokens(map)
            try keyfileVault.writeTokens(map)
            try passphraseVault.writeTokens(map)
            let vaultBytes = try SecureFile.read(keyfileVault.path)
            try SecureFile.writeAtomically(vaultBytes, to: floorPath)
            // The JSON storage's floor: the same atomic write of the JSON file's own bytes.
            let jsonBytes = try SecureFile.read(json.path)
            let jsonFloorPath = work + "/json-floor-\(count).bin"
            try SecureFile.writeAtomically(jsonBytes, to: jsonFloorPath)
            try peer.ask("setup \(count) \(work)/tokens-\(count).json \(keyfileVault.path) \(keyfile)")
            try children?.current.ask("setup \(count) \(json.path) \(contested) \(keyfile)")
            try children?.baseline.ask("setup \(count) \(json.path) \(contested) \(keyfile)")
            var currentJSONRead = Samples(), currentChangedRead = Samples()
            var baselineJSONRead = Samples(), baselineChangedRead = Samples()
            var frlRead = Samples(), frlWrite = Samples(), referenceRead = Samples(), referenceWrite = Samples()

            var jsonRead = Samples(), keyRead = Samples(), passRead = Samples(), floorRead = Samples()
            var jsonWrite = Samples(), keyWrite = Samples(), passWrite = Samples(), floorWrite = Samples()
            var coldRead = Samples(), coldWrite = Samples(), changedRead = Samples(), jsonFloorWrite = Samples()
            var promiseFloor = Samples()
            // Both builds' children in turn, the first one alternating round by round.
            func askBoth(_ command: String, _ current: inout Samples, _ older: inout Samples, round: Int) throws {
                guard let children else { return }
                if round.isMultiple(of: 2) {
                    current.record(try children.current.ask(command))
                    older.record(try children.baseline.ask(command))
                } else {
                    older.record(try children.baseline.ask(command))
                    current.record(try children.current.ask(command))
                }
            }
            for round in 0..<rounds {
                try secondWriter.writeTokens(map)
                try coldWrite.time { try firstWriter.writeTokens(map) }
                try secondWriter.writeTokens(map)
                // The same instance (key in hand) reading a file another writer replaced.
                try changedRead.time { try expectEqual(firstWriter.readTokens().count, count) }
                // Each child's instance last read the file of the round before: it decodes in full too.
                try askBoth("vault-read \(count)", &currentChangedRead, &baselineChangedRead, round: round)
                // A new instance: reads the keyfile, then decrypts and parses the whole vault.
                try coldRead.time {
                    try expectEqual(VaultTokenStorage(path: keyfileVault.path, key: .keyfile(path: keyfile)).readTokens().count, count)
                }
                // What SECURITY.md's promises alone cost a new instance's first read, before it
                // reads, decrypts or parses a byte: the key and the plaintext in secure memory
                // (section 2: sodium_malloc, guard pages, mlock; zeroed on release) and both
                // files opened through the descriptor walk of their paths (section 11).
                try promiseFloor.time {
                    let key = try SecureBytes(uninitializedCount: SymmetricKey.byteCount)
                    let plaintext = try SecureBytes(uninitializedCount: vaultBytes.count)
                    let opened = (try SecureFile.openForReading(keyfile), try SecureFile.openForReading(keyfileVault.path))
                    guard opened.0 != nil, opened.1 != nil else { throw BenchFailure() }
                    withExtendedLifetime((key, plaintext, opened)) {}
                }
                try jsonWrite.time { try json.writeTokens(map) }
                try keyWrite.time { try keyfileVault.writeTokens(map) }
                try passWrite.time { try passphraseVault.writeTokens(map) }
                try floorWrite.time { try SecureFile.writeAtomically(vaultBytes, to: floorPath) }
                try jsonFloorWrite.time { try SecureFile.writeAtomically(jsonBytes, to: jsonFloorPath) }
                try jsonRead.time { try expectEqual(json.readTokens().count, count) }
                try askBoth("json-read \(count)", &currentJSONRead, &baselineJSONRead, round: round)
                try keyRead.time { try expectEqual(keyfileVault.readTokens().count, count) }
                try passRead.time { try expectEqual(passphraseVault.readTokens().count, count) }
                try floorRead.time { try expectEqual(SecureFile.read(floorPath).count, vaultBytes.count) }
                frlRead.record(try peer.ask("frl-read \(count)"))
                referenceRead.record(try peer.ask("ref-read \(count)"))
                referenceWrite.record(try peer.ask("ref-write \(count)"))
                frlWrite.record(try peer.ask("frl-write \(count)"))
            }
            peerLines.append(
                "| \(count) | \(format(frlRead.median)) | \(format(jsonRead.median)) | \(format(referenceRead.median)) | \(format(changedRead.median)) | \(format(coldRead.median)) | \(format(floorWrite.median)) | \(format(keyWrite.median)) | \(format(referenceWrite.median)) | \(format(jsonFloorWrite.median)) | \(format(jsonWrite.median)) | \(format(frlWrite.median)) |")
            baselineLines.append(
                "| \(count) | \(format(currentJSONRead.median)) | \(format(baselineJSONRead.median)) | \(ratio(currentJSONRead.median, baselineJSONRead.median)) | \(format(currentChangedRead.median)) | \(format(baselineChangedRead.median)) | \(ratio(currentChangedRead.median, baselineChangedRead.median)) |")
            func peerVerdict(_ label: String, _ value: Double, _ peerValue: Double, limit: Double) {
                let met = value <= limit * peerValue
                peerVerdicts.append("- \(count) resource servers, \(label) <= \(limit)x: \(met ? "met" : "**not met**") (\(ratio(value, peerValue)): \(format(value)) against \(format(peerValue)))")
            }
            peerVerdict("Swift `JSONTokenStorage.readTokens` against FRL's `read_tokens`", jsonRead.median, frlRead.median, limit: 0.5)
            if count == 5 || count == 10_000 {
                peerVerdict("Swift `JSONTokenStorage` write against the atomic-write floor of its bytes", jsonWrite.median, jsonFloorWrite.median,
                            limit: count == 5 ? 1.1 : 2)
            }
            peerVerdict("vault read after another writer against the PyNaCl reference read", changedRead.median, referenceRead.median, limit: 0.7)
            if count == 5 {
                peerVerdict("a new keyfile instance's first read against the PyNaCl reference read", coldRead.median, referenceRead.median, limit: 1.0)
                peerVerdicts.append("  (for information, a lower bound of what the promises alone cost that read: a secure buffer for the key and one for the plaintext (not the keyfile text's), and both files opened through the walk of their paths, \(format(promiseFloor.median)), \(ratio(promiseFloor.median, referenceRead.median)) of the reference read; the rest of the read is at most \(format(coldRead.median - promiseFloor.median)))")
                peerVerdict("vault write against the atomic-write floor", keyWrite.median, floorWrite.median, limit: 1.1)
            } else if count >= 1_000 {
                peerVerdict("vault write against the PyNaCl reference write", keyWrite.median, referenceWrite.median, limit: 0.8)
            }
            let size = vaultBytes.count >= 10_000 ? "\(vaultBytes.count / 1024) KiB" : "\(vaultBytes.count) B"
            coldLines.append("| \(count) | \(format(coldRead.median)) | \(format(changedRead.median)) | \(format(keyRead.median)) | \(format(coldWrite.median)) | \(format(keyWrite.median)) |")
            lines.append(
                "| \(count) | \(size) | \(format(jsonRead.median)) | \(format(keyRead.median)) | \(format(passRead.median)) | \(format(floorRead.median)) | \(format(jsonWrite.median)) | \(format(keyWrite.median)) | \(format(passWrite.median)) | \(format(floorWrite.median)) |")

            func verdict(_ label: String, _ met: Bool, _ detail: String) {
                verdicts.append("- \(count) resource servers, \(label): \(met ? "met" : "**not met**") (\(detail))")
            }
            verdict("keyfile read within 1.5x of JSON", keyRead.median <= 1.5 * jsonRead.median,
                    ratio(keyRead.median, jsonRead.median))
            verdict("keyfile write within 1.5x of JSON", keyWrite.median <= 1.5 * jsonWrite.median,
                    ratio(keyWrite.median, jsonWrite.median))
            if count == 5 {
                verdict("keyfile write within 1.3x of the atomic-write floor", keyWrite.median <= 1.3 * floorWrite.median,
                        ratio(keyWrite.median, floorWrite.median))
            }
            verdicts.append("- \(count) resource servers, passphrase (cached) vs keyfile: read \(ratio(passRead.median, keyRead.median)), write \(ratio(passWrite.median, keyWrite.median))")
            if count == 10_000 {
                verdict("read under 50 ms", keyRead.median < 50_000 && coldRead.median < 50_000 && changedRead.median < 50_000,
                        "\(format(keyRead.median)) unchanged file, \(format(changedRead.median)) after another writer, \(format(coldRead.median)) new instance")
                verdict("write under 50 ms", keyWrite.median < 50_000 && coldWrite.median < 50_000,
                        "\(format(keyWrite.median)) after its own write, \(format(coldWrite.median)) after another writer")
            }
            verdicts.append("  (keyfile read minus the bare read, i.e. decryption and decoding: \(format(keyRead.median - floorRead.median)); keyfile write minus the atomic-write floor, i.e. locking, re-reading, decoding and encoding: \(format(keyWrite.median - floorWrite.median)))")
            verdicts.append("  (p90: keyfile read \(format(keyRead.percentile(0.9))), keyfile write \(format(keyWrite.percentile(0.9))), floor write \(format(floorWrite.percentile(0.9))), JSON write \(format(jsonWrite.percentile(0.9))); \(rounds) rounds)")
        }

        lines.append(contentsOf: coldLines)
        lines.append(contentsOf: peerLines)
        if children != nil { lines.append(contentsOf: baselineLines) }
        lines.append("")
        lines.append("First open of a passphrase vault (5 resource servers): a new storage instance's first `readTokens`, which runs Argon2id once; later operations reuse the cached key (the table above).")
        lines.append("")
        lines.append("| preset | Argon2id cost | first read (median) | runs |")
        lines.append("|---|---|---:|---:|")
        let small = tokens(count: 5)
        for (name, parameters, runs) in [
            ("interactive", Argon2idParameters.interactive, 3), ("moderate", .moderate, 3), ("sensitive", .sensitive, 2),
        ] {
            let path = work + "/kdf-\(name).vault"
            try VaultTokenStorage(path: path, key: .passphrase(try passphrase("bench"), kdf: parameters)).writeTokens(small)
            var first = Samples()
            for _ in 0..<runs {
                let fresh = VaultTokenStorage(path: path, key: .passphrase(try passphrase("bench"), kdf: parameters))
                try first.time { try expectEqual(fresh.readTokens().count, 5) }
            }
            lines.append("| \(name) | \(parameters) | \(format(first.median)) | \(runs) |")
        }
        lines.append("")
        lines.append("Targets (issue 3):")
        lines.append("")
        lines.append(contentsOf: verdicts)
        lines.append("")
        lines.append("Targets against the peers measured in this run (issue 14; medians):")
        lines.append("")
        lines.append(contentsOf: peerVerdicts)
        print(lines.joined(separator: "\n"))
    }
}
