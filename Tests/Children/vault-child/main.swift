// A child process for TokenVaultTests: real processes contending for, holding and being
// killed while holding a vault. Keyfile mode only (no KDF, so children start writing at once).
//
//   vault-child update-loop VAULT KEYFILE ID COUNT   COUNT updates, each adding child<ID>-<i>
//   vault-child write-loop VAULT KEYFILE START       writes crashState(START), START+1, ... forever,
//                                                    printing "wrote <k>" after each
//   vault-child hold-lock VAULT KEYFILE              takes the lock, prints "locked", sleeps
//   vault-child write-new VAULT KEYFILE UMASK        sets the umask (octal), writes crashState(1)
//   vault-child keygen PATH UMASK                    sets the umask (octal), generates a keyfile
//   vault-child check VAULT KEYFILE                  prints "state <k>" if the vault holds exactly
//                                                    crashState(k), else fails (for tools/soak)
//   vault-child clear VAULT KEYFILE                  clearTokens(), prints "done"
//   vault-child rekey VAULT KEYFILE NEWKEYFILE       rekey to NEWKEYFILE, prints "done"
//   vault-child as UID COMMAND ...                   runs COMMAND as UID (and GID UID) when started
//                                                    as root, so that file permissions apply to it
import Glibc
import Tokens
import TokenVault

/// The same states as `crashState` in the tests: every token carries a marker that must never
/// appear in any file on disk, and `expiresAtSeconds` says which state it is.
func crashState(_ k: Int) -> TokenMap {
    var map: TokenMap = [:]
    for server in ["auth.globus.org", "transfer.api.globus.org", "rs-\(k % 7)"] {
        map[server] = TokenSet(
            scope: "openid \(server)", accessToken: "PLAINTEXT-MARKER-access-\(k)-\(server)",
            refreshToken: "PLAINTEXT-MARKER-refresh-\(k)", expiresAtSeconds: k, resourceServer: server)
    }
    return map
}

func say(_ line: String) {
    print(line)
    fflush(nil)
}

func fail(_ message: String) -> Never {
    let text = Array("vault-child: \(message)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "as", arguments.count > 2 {
    guard let uid = UInt32(arguments[1]) else { fail("bad uid") }
    // Root passes every permission check; the tests of read-only vaults need one that doesn't.
    if getuid() == 0 {
        guard setgroups(0, nil) == 0, setgid(uid) == 0, setuid(uid) == 0 else { fail("cannot become uid \(uid)") }
    }
    arguments.removeFirst(2)
}
guard let command = arguments.first else { fail("no command") }

do {
    switch (command, arguments.count) {
    case ("update-loop", 5):
        let storage = VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2]), lockTimeoutSeconds: 60)
        guard let count = Int(arguments[4]) else { fail("bad count") }
        for i in 0..<count {
            let server = "child\(arguments[3])-\(i)"
            try storage.update { tokens in
                tokens[server] = TokenSet(
                    scope: "s", accessToken: "a-\(server)", refreshToken: nil, expiresAtSeconds: i,
                    resourceServer: server)
            }
        }
        say("done")
    case ("write-loop", 4):
        let storage = VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2]))
        guard var k = Int(arguments[3]) else { fail("bad start") }
        while true {
            try storage.writeTokens(crashState(k))
            say("wrote \(k)")
            k += 1
        }
    case ("hold-lock", 3):
        let storage = VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2]))
        try storage.update { _ in
            say("locked")
            sleep(60)
        }
    case ("write-new", 4):
        guard let mask = mode_t(arguments[3], radix: 8) else { fail("bad umask") }
        umask(mask)
        try VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2])).writeTokens(crashState(1))
        say("done")
    case ("keygen", 3):
        guard let mask = mode_t(arguments[2], radix: 8) else { fail("bad umask") }
        umask(mask)
        try Keyfile.generate(at: arguments[1])
        say("done")
    case ("check", 3):
        let tokens = try VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2])).readTokens()
        guard let k = tokens["auth.globus.org"]?.expiresAtSeconds, tokens == crashState(k) else {
            fail("the vault holds no state that write-loop writes")
        }
        say("state \(k)")
    case ("clear", 3):
        try VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2])).clearTokens()
        say("done")
    case ("rekey", 4):
        try VaultTokenStorage(path: arguments[1], key: .keyfile(path: arguments[2])).rekey(to: .keyfile(path: arguments[3]))
        say("done")
    default:
        fail("unknown command or wrong arguments: \(arguments)")
    }
} catch {
    fail("\(error)")
}
