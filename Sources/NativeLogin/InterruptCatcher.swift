import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns ^C during the local server's wait into `LocalServerError.interrupted`, so the login
/// moves on to the next handler (pasting the code) as the Python library does with
/// KeyboardInterrupt, instead of ending the program.
final class InterruptCatcher {
    private let source: any DispatchSourceSignal
    private let previous: sighandler_t?

    init(mailbox: RedirectMailbox) {
        // The signal is ignored at the C level so that only the dispatch source sees it.
        previous = signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { mailbox.deliver(.failure(.interrupted)) }
        source.resume()
    }

    func restore() {
        source.cancel()
        signal(SIGINT, previous)
    }
}
