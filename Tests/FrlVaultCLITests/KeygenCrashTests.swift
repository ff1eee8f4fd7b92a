#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A keygen killed mid-write must leave no file holding the key under a name nobody knows:
/// the key is written to an unnamed file that is given its name only when complete.
@Suite struct KeygenCrashTests {
    @Test("keygen killed at random moments leaves a whole keyfile or nothing, never a temp file")
    func killedKeygenLeavesNoTempFile() {
        let box = Sandbox()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<120 {
            let key = box.path("key-\(round)")
            let child = box.start(["keygen", key])
            usleep(UInt32.random(in: 0...6_000, using: &generator))
            child.kill()
            _ = child.wait(timeout: 30)
            if box.exists(key) {
                #expect(box.read(key)?.count == 82, "a partial keyfile at \(key)")
            }
        }
        let entries = listing(box.directory)
        let temps = entries.filter { $0.contains(".tmp-") }
        #expect(temps.isEmpty, "temp files left: \(temps)")
    }

    private func listing(_ directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
