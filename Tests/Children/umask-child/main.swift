// A child process for the umask tests of TokensTests and SecureFilesTests. The umask belongs to
// the whole process and Swift Testing runs suites in parallel, so a test that changed its own
// umask would change the mode of files other tests create at that moment; only this child's
// umask changes.
//
//   umask-child UMASK write json|ini|multi PATH   writes `childTokens` with that storage
//   umask-child UMASK clear json|ini|multi PATH   clears that storage
//   umask-child UMASK atomic-write PATH           SecureFile.writeAtomically of "{}"
//   umask-child UMASK create PATH                 open(O_CREAT|O_EXCL, 0666): the mode a file
//                                                 gets when nothing guards it against the umask
//
// UMASK is octal. Exits 0 on success, or prints the error to stderr and exits 1.
import Glibc
import SecureFiles
import Tokens

/// What `write` stores; the tests read it back.
let childTokens: TokenMap = [
    "auth.globus.org": TokenSet(
        scope: "openid", accessToken: "A-secret", refreshToken: "R-secret", expiresAtSeconds: 1,
        resourceServer: "auth.globus.org"),
]

func fail(_ message: String) -> Never {
    let text = Array("umask-child: \(message)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func storage(_ kind: String, at path: String) -> any TokenStorage {
    switch kind {
    case "json": return JSONTokenStorage(path: path)
    case "ini": return ConfigParserTokenStorage(path: path)
    case "multi": return MultiClientTokenStorage(clientID: "client", path: path)
    default: fail("unknown storage kind \(kind)")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3, let mask = mode_t(arguments[0], radix: 8), mask <= 0o777 else {
    fail("usage: umask-child UMASK COMMAND ARGUMENTS...")
}
umask(mask)

do {
    switch (arguments[1], arguments.count) {
    case ("write", 4):
        try storage(arguments[2], at: arguments[3]).writeTokens(childTokens)
    case ("clear", 4):
        try storage(arguments[2], at: arguments[3]).clearTokens()
    case ("atomic-write", 3):
        try SecureFile.writeAtomically(Array("{}".utf8), to: arguments[2])
    case ("create", 3):
        let descriptor = open(arguments[2], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { fail("open \(arguments[2]): errno \(errno)") }
        close(descriptor)
    default:
        fail("unknown command or wrong arguments: \(arguments)")
    }
} catch {
    fail("\(error)")
}
