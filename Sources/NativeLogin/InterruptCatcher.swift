import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns ^C during the local server's wait into `LocalServerError.interrupted`, so the login
/// moves on to the next handler (pasting the code) as the Python library does with
/// KeyboardInterrupt, instead of ending the program.
///
/// A classic self-pipe: `sigaction` installs the handler synchronously, before the user is told
/// that ^C cancels (a dispatch signal source registers asynchronously, and a ^C in that gap was
/// lost). The handler only writes one byte, which is async-signal-safe; a thread reading the
/// pipe delivers the interruption. The disposition is process-wide, so one catcher at a time.
final class InterruptCatcher {
    private var previous = sigaction()
    private let writeEnd: Int32

    /// `nil` when no pipe could be made; ^C then keeps its usual effect.
    init?(mailbox: RedirectMailbox) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        let readEnd = ends[0]
        writeEnd = ends[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        interruptWriteEnd.store(writeEnd, ordering: .sequentiallyConsistent)

        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = noteInterrupt
        #else
        action.__sigaction_u.__sa_handler = noteInterrupt
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, &previous)

        Thread.detachNewThread {
            var byte: UInt8 = 0
            // One byte is an interruption; end of file means `restore` closed the pipe.
            if read(readEnd, &byte, 1) == 1 { mailbox.deliver(.failure(.interrupted)) }
            close(readEnd)
        }
    }

    /// Puts back the previous SIGINT action and ends the reading thread.
    func restore() {
        sigaction(SIGINT, &previous, nil)
        interruptWriteEnd.store(-1, ordering: .sequentiallyConsistent)
        close(writeEnd)
    }
}

/// The pipe the signal handler writes to; -1 when no catcher is active.
private let interruptWriteEnd = Atomic<Int32>(-1)

/// Runs in signal context: an atomic load and write(2) only.
private func noteInterrupt(_ signal: Int32) {
    let fd = interruptWriteEnd.load(ordering: .sequentiallyConsistent)
    guard fd >= 0 else { return }
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
}
