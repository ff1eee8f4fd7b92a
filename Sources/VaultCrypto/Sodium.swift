internal import CSodium

/// The process-wide libsodium state.
public enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Calls `sodium_init` once; every entry point into libsodium goes through here first.
    static func ensureInitialised() {
        precondition(initialised, "libsodium failed to initialise")
    }
}
