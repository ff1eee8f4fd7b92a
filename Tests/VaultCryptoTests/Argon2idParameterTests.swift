import Testing
import VaultCrypto

@Suite("Argon2id parameters and bounds")
struct Argon2idParameterTests {
    @Test("the presets are libsodium's and lie within the bounds")
    func presets() throws {
        #expect(Argon2idParameters.interactive.opsLimit == 2 && Argon2idParameters.interactive.memLimitBytes == 64 << 20)
        #expect(Argon2idParameters.moderate.opsLimit == 3 && Argon2idParameters.moderate.memLimitBytes == 256 << 20)
        #expect(Argon2idParameters.sensitive.opsLimit == 4 && Argon2idParameters.sensitive.memLimitBytes == 1 << 30)
        for (name, preset) in Argon2idParameters.presets {
            #expect(try Argon2idParameters(opsLimit: preset.opsLimit, memLimitBytes: preset.memLimitBytes) == preset)
            #expect(preset.presetName == name)
        }
        #expect(String(describing: Argon2idParameters.moderate) == "argon2id(ops=3, mem=262144 KiB)")
    }

    @Test(
        "values at the bounds are accepted",
        arguments: [(1, 8192), (16, 8192), (16, 256 << 20), (4, 1 << 30), (1, 1 << 30), (2, 3 * 1024 * 1024 + 1024)] as [(UInt64, UInt64)])
    func accepted(ops: UInt64, mem: UInt64) throws {
        let parameters = try Argon2idParameters(opsLimit: ops, memLimitBytes: mem)
        #expect(parameters.opsLimit == ops && parameters.memLimitBytes == mem)
        #expect(Argon2idParameters.boundsProblem(opsLimit: ops, memLimitBytes: mem) == nil)
    }

    @Test(
        "values outside the bounds are refused with the reason",
        arguments: [
            (0, 8192, "opslimit 0 is outside 1...16"),
            (17, 8192, "opslimit 17 is outside 1...16"),
            (UInt64.max, UInt64.max, "opslimit 18446744073709551615 is outside 1...16"),
            (1, 7168, "memlimit 7168 bytes is outside 8192...1073741824"),
            (1, (1 << 30) + 1024, "memlimit 1073742848 bytes is outside 8192...1073741824"),
            (1, 1 << 40, "memlimit 1099511627776 bytes is outside 8192...1073741824"),
            (2, 8193, "memlimit 8193 bytes is not a whole number of KiB"),
            (5, 1 << 30, "opslimit x memlimit (5 x 1073741824 bytes) exceeds the sensitive preset's work"),
            (16, 512 << 20, "opslimit x memlimit (16 x 536870912 bytes) exceeds the sensitive preset's work"),
        ] as [(UInt64, UInt64, String)])
    func refused(ops: UInt64, mem: UInt64, reason: String) {
        #expect(throws: CryptoError.kdfParametersOutOfBounds(reason: reason)) {
            try Argon2idParameters(opsLimit: ops, memLimitBytes: mem)
        }
    }

    @Test("a key derived twice is the same key; salt and passphrase each change it")
    func derivation() throws {
        let cheap = try Argon2idParameters(opsLimit: 1, memLimitBytes: 8192)
        let passphrase = try Array("pass".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let other = try Array("Pass".utf8).withUnsafeBytes { try Passphrase(copying: $0) }
        let salt = Argon2id.Salt.random()
        let key = try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: cheap)
        #expect(try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: cheap) == key)
        #expect(try Argon2id.deriveKey(from: other, salt: salt, parameters: cheap) != key)
        #expect(try Argon2id.deriveKey(from: passphrase, salt: .random(), parameters: cheap) != key)
        let moreOps = try Argon2idParameters(opsLimit: 2, memLimitBytes: 8192)
        #expect(try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: moreOps) != key)
        #expect(throws: CryptoError.invalidLength(of: "salt", expected: "16 bytes", actual: 8)) {
            try Argon2id.Salt(bytes: Array("somesalt".utf8))
        }
    }
}
