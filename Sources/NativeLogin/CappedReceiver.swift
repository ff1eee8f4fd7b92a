import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The session delegate of `AuthHTTPClient`: collects each task's answer as it arrives and
/// cancels the task as soon as the body (or its announced length) passes `limit`, so a server
/// cannot make the client buffer more than that. It also refuses redirects: one from the token
/// endpoint would re-send the verifier or refresh token to wherever it points, so the 3xx is
/// returned as the answer it is.
final class CappedReceiver: NSObject, URLSessionDataDelegate, Sendable {
    let limit: Int
    private let transfers = Mutex<[Int: Transfer]>([:])

    init(limit: Int) { self.limit = limit }

    /// What one task received, complete once `wait` returns.
    struct Received: @unchecked Sendable {
        // @unchecked: URLResponse and Error are not marked Sendable but are never mutated after
        // delivery; the values move between threads only under the transfer's mutex.
        var response: URLResponse?
        var body = Data()
        var error: (any Error)?
        var tooLarge = false
    }

    /// One task's answer, filled in on URLSession's delegate queue and read by the waiting caller.
    final class Transfer: Sendable {
        fileprivate let received = Mutex(Received())
        private let done = DispatchSemaphore(value: 0)

        fileprivate func finish() { done.signal() }

        func wait() -> Received {
            done.wait()
            return received.withLock { $0 }
        }
    }

    /// Registers `task` before it is resumed, so no callback can come first.
    func expect(_ task: URLSessionTask) -> Transfer {
        let transfer = Transfer()
        transfers.withLock { $0[task.taskIdentifier] = transfer }
        return transfer
    }

    private func transfer(for task: URLSessionTask) -> Transfer? {
        transfers.withLock { $0[task.taskIdentifier] }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let transfer = transfer(for: dataTask) else { return completionHandler(.cancel) }
        let announcedTooLarge = response.expectedContentLength > Int64(limit)
        transfer.received.withLock { received in
            received.response = response
            received.tooLarge = received.tooLarge || announcedTooLarge
        }
        completionHandler(announcedTooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let transfer = transfer(for: dataTask) else { return dataTask.cancel() }
        let overflowed = transfer.received.withLock { received -> Bool in
            guard !received.tooLarge else { return true }
            guard received.body.count + data.count <= limit else {
                received.tooLarge = true
                received.body = Data()
                return true
            }
            received.body.append(data)
            return false
        }
        if overflowed { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let transfer = transfers.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        transfer.received.withLock { received in
            received.error = error
            if received.response == nil { received.response = task.response }
        }
        transfer.finish()
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
