import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The few form POSTs NativeLogin makes to Globus Auth, over URLSession.
///
/// Calls are synchronous on purpose: a refresh has to happen inside `TokenStorage.update`,
/// whose body is synchronous and runs while the vault's file lock is held. The completion runs on
/// URLSession's own delegate queue, so waiting here never needs the caller's thread.
///
/// The session is ephemeral with no URL cache and no cookie store, so token responses are never
/// written to `~/.cache` by Foundation's disk cache.
final class AuthHTTPClient: Sendable {
    let base: AuthBaseURL
    let timeoutSeconds: Double
    private let session: URLSession

    /// Answers are capped: a token response is a few kilobytes, and a hostile or broken server
    /// must not make the client hold an arbitrary amount in memory.
    static let maximumResponseBytes = 1 << 20

    init(base: AuthBaseURL, timeoutSeconds: Double) {
        self.base = base
        self.timeoutSeconds = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        self.session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    struct Response {
        let status: Int
        let body: Data
    }

    /// POSTs `fields` form-encoded to `path` and returns the status and body, whatever the status.
    func postForm(path: String, fields: [(name: String, value: String)]) throws(AuthFailure) -> Response {
        var request = URLRequest(url: base.appending(path: path))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = Data(FormEncoding.encode(fields).utf8)
        request.timeoutInterval = timeoutSeconds

        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            outcome.finish(data: data, response: response, error: error)
        }
        task.resume()
        let (data, response, error) = outcome.wait()

        if let error {
            // URLError's text names the URL and the failure, never the request body.
            throw .transport(endpoint: path, reason: AuthHTTPClient.describe(error))
        }
        guard let http = response as? HTTPURLResponse else {
            throw .invalidResponse(endpoint: path, reason: "no HTTP response")
        }
        let body = data ?? Data()
        guard body.count <= AuthHTTPClient.maximumResponseBytes else {
            throw .invalidResponse(endpoint: path, reason: "answer larger than \(AuthHTTPClient.maximumResponseBytes) bytes")
        }
        return Response(status: http.statusCode, body: body)
    }

    private static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: return "timed out"
            case .cannotConnectToHost: return "connection refused"
            case .cannotFindHost: return "host not found"
            case .notConnectedToInternet: return "not connected"
            case .networkConnectionLost: return "connection lost"
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                 .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                return "TLS failure"
            default: return "URL error \(urlError.code.rawValue)"
            }
        }
        return "request failed"
    }

    /// A redirect from the token endpoint would re-send the verifier or refresh token to
    /// wherever it points; it is returned as the 3xx it is instead.
    private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    /// Hands the completion's values from URLSession's queue to the waiting caller.
    private final class Outcome: Sendable {
        private struct Values: @unchecked Sendable {
            // @unchecked: URLResponse and Error are immutable once delivered, and are read only
            // after the semaphore orders the hand-over.
            var data: Data?
            var response: URLResponse?
            var error: (any Error)?
        }
        private let values = Mutex(Values())
        private let done = DispatchSemaphore(value: 0)

        func finish(data: Data?, response: URLResponse?, error: (any Error)?) {
            values.withLock { $0 = Values(data: data, response: response, error: error) }
            done.signal()
        }

        func wait() -> (Data?, URLResponse?, (any Error)?) {
            done.wait()
            return values.withLock { ($0.data, $0.response, $0.error) }
        }
    }
}
