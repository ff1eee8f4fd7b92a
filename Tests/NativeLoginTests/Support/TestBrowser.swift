import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NativeLogin
import Synchronization

/// A scripted browser: GETs a URL with URLSession, following redirects like a real browser
/// would (authorize -> 302 -> the local server), and keeps every page it saw.
final class TestBrowser: Sendable {
    struct Page: Sendable {
        let url: URL
        let status: Int
        let body: String
    }

    private let pages = Mutex<[Page]>([])
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = 20
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    var visited: [Page] { pages.withLock { $0 } }
    var lastPage: Page? { visited.last }

    /// A `BrowserOpener` that loads the URL before returning, as if the user clicked through.
    var opener: BrowserOpener {
        BrowserOpener { [self] url in
            _ = try self.get(url)
        }
    }

    @discardableResult
    func get(_ url: URL) throws -> Page {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<Page, any Error>?>(nil)
        let task = session.dataTask(with: url) { data, response, error in
            let outcome: Result<Page, any Error>
            if let error {
                outcome = .failure(error)
            } else {
                let http = response as? HTTPURLResponse
                outcome = .success(Page(url: http?.url ?? url, status: http?.statusCode ?? 0, body: String(decoding: data ?? Data(), as: UTF8.self)))
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        task.resume()
        done.wait()
        let page = try result.withLock { $0 }!.get()
        pages.withLock { $0.append(page) }
        return page
    }
}

/// Collects what code handlers write for the user.
final class CapturedOutput: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var output: MessageOutput { MessageOutput { [self] line in self.lines.withLock { $0.append(line) } } }

    /// The first URL written, if any.
    var firstURL: URL? {
        text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("http") }.flatMap { URL(string: String($0)) }
    }
}
