#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

/// useradd run by parallel tests at once can hand two new users the same uid.
private let userCreation = Mutex(())

/// Real, separate Unix users for the tests of what one user can do to another on a shared
/// machine. Created with useradd (no home, no shell) the first time, when the tests run as
/// root; commands run as them through util-linux's setpriv, with no supplementary groups.
struct UnixUser {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// Nil, with the reason, when the tests do not run as root or the tools are missing.
    static func make(_ name: String) -> (user: UnixUser?, whyNot: String?) {
        userCreation.withLock { _ in makeAlone(name) }
    }

    private static func makeAlone(_ name: String) -> (user: UnixUser?, whyNot: String?) {
        guard getuid() == 0 else { return (nil, "not root: separate Unix users cannot be created") }
        for tool in ["/usr/sbin/useradd", "/usr/bin/setpriv"] where access(tool, X_OK) != 0 {
            return (nil, "\(tool) is missing")
        }
        if getpwnam(name) == nil {
            let made = ChildProcess(
                "/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                environment: ["PATH": Posix.path]
            ).wait(timeout: 30)
            guard made.status == 0 || getpwnam(name) != nil else { return (nil, "useradd \(name): \(made.stderr)") }
        }
        guard let entry = getpwnam(name) else { return (nil, "user \(name) not found after useradd") }
        return (UnixUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid), nil)
    }

    /// `executable arguments` run as this user.
    func run(_ executable: String, _ arguments: [String], environment: [String: String], timeout: Double = 60) -> ChildProcess.Outcome {
        ChildProcess(
            "/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", executable] + arguments,
            environment: environment
        ).wait(timeout: timeout)
    }

    func own(_ path: String) {
        precondition(lchown(path, uid, gid) == 0, "chown \(path)")
    }
}
