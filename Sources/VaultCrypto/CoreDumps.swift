#if canImport(Glibc)
import Glibc
#endif
internal import CProcessControl

/// Keeping a process's memory, and so its keys and passphrases, out of core files and away
/// from debuggers attached by other processes of the same user.
public enum CoreDumps {
    /// Sets RLIMIT_CORE to zero (hard limit too, so a child cannot raise it) and clears the
    /// dumpable flag, which also stops ptrace attach by non-root processes of the same user.
    /// False if either step failed. prctl goes through a header-only C wrapper: it is variadic,
    /// which Swift cannot call, and a static executable cannot look it up with dlsym.
    @discardableResult
    public static func disable() -> Bool {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        let limited = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) == 0
        return limited && frl_set_dumpable(0) == 0 && frl_get_dumpable() == 0
    }
}
