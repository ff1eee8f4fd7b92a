import Foundation
import TokenVault
import Tokens

extension NativeClient {
    /// Runs one storage operation that takes the vault's lock, trying again while another
    /// process holds it, until `busyStorageWaitSeconds` have passed; then the vault's
    /// `lockTimeout` is thrown.
    ///
    /// Why: a refresh holds the lock for the whole HTTP call (up to the request timeout, 30 s,
    /// per resource server), while a vault waits only its `lockTimeoutSeconds` (10 s by default)
    /// for the lock. Without this, a second process loading at that moment would fail instead
    /// of waiting and then using the tokens the first one saved.
    ///
    /// Retrying is safe: `lockTimeout` comes before the operation's body runs, so no refresh
    /// token was spent and nothing was written.
    func whileStorageBusy<Result>(_ operation: () throws -> Result) throws -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            do {
                return try operation()
            } catch VaultError.lockTimeout(let path, let seconds) {
                let waited = Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9
                guard waited < busyStorageWaitSeconds else { throw VaultError.lockTimeout(path: path, seconds: seconds) }
                // The vault itself waited `seconds` for the lock; this pause only keeps a vault
                // made with a zero lock timeout from spinning.
                Thread.sleep(forTimeInterval: NativeClient.busyStoragePauseSeconds)
            }
        }
    }

    static let busyStoragePauseSeconds = 0.05
}
