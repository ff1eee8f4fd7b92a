import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The few form POSTs NativeLogin makes to Globus Auth, over URLSession.
///
/// Calls are synchronous on purpose: a refresh has to happen inside `TokenStorage.update`,
/// whose body is synchronous and runs while the vault's file lock is held. The delegate's
/// callbacks run on URLSession's own queue, so waiting here never needs the caller's thread.
///
/// The session is ephemeral with no URL cache and no cookie store, so token responses are never
/// written to `~/.cache` by Foundation's disk cache.
final class AuthHTTPClient: Sendable {
    let base: AuthBaseURL
    let timeoutSeconds: Double
    private let session: URLSession
    private let receiver: CappedReceiver

    /// Answers are capped while they arrive: a token response is a few kilobytes, and a hostile
    /// or broken server must not make the client hold an arbitrary amount in memory. A body (or
    /// a Content-Length) past the cap cancels the request there and then.
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
        let receiver = CappedReceiver(limit: AuthHTTPClient.maximumResponseBytes)
        self.receiver = receiver
        self.session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
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

        // No completion handler: URLSession would buffer the whole body before calling it. The
        // delegate sees each piece as it arrives instead.
        let task = session.dataTask(with: request)
        let transfer = receiver.expect(task)
        task.resume()
        let received = transfer.wait()

        if received.tooLarge {
            throw .invalidResponse(endpoint: path, reason: "answer larger than \(AuthHTTPClient.maximumResponseBytes) bytes")
        }
        if let error = received.error {
            // URLError's text names the URL and the failure, never the request body.
            throw .transport(endpoint: path, reason: AuthHTTPClient.describe(error))
        }
        guard let http = received.response as? HTTPURLResponse else {
            throw .invalidResponse(endpoint: path, reason: "no HTTP response")
        }
        return Response(status: http.statusCode, body: received.body)
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
}
