import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The local server's listener: SwiftNIO's HTTP/1 parser on 127.0.0.1, a free port, and one
/// handler that turns the redirect into a `RedirectOutcome` delivered to a mailbox.
///
/// It binds the loopback address only: on 0.0.0.0 (as the Python library does) anyone on the
/// network could race the browser to the port.
final class RedirectServer: Sendable {
    let port: Int
    let mailbox: RedirectMailbox
    private let listener: any Channel
    private let connections: Connections

    static let bindAddress = "127.0.0.1"

    init(expectedState: String, appName: String, page: RedirectPage) throws(LocalServerError) {
        let mailbox = RedirectMailbox()
        let connections = Connections()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .childChannelInitializer { channel in
                connections.track(channel)
                do {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RedirectRequestHandler(expectedState: expectedState, appName: appName, page: page, mailbox: mailbox)
                    )
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        do {
            let channel = try bootstrap.bind(host: RedirectServer.bindAddress, port: 0).wait()
            guard let port = channel.localAddress?.port else {
                channel.close(promise: nil)
                throw LocalServerError.couldNotStart(reason: "no port was assigned")
            }
            self.listener = channel
            self.port = port
        } catch let error as LocalServerError {
            throw error
        } catch {
            throw .couldNotStart(reason: String(describing: error))
        }
        self.mailbox = mailbox
        self.connections = connections
    }

    /// Stops listening and closes every connection still open (browsers keep spare ones).
    func close() {
        try? listener.close().wait()
        connections.closeAll()
    }

    /// The accepted connections, so `close` can end idle keep-alive ones.
    private final class Connections: Sendable {
        private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

        func track(_ channel: any Channel) {
            let id = ObjectIdentifier(channel)
            open.withLock { $0[id] = channel }
            channel.closeFuture.whenComplete { [weak self] _ in
                _ = self?.open.withLock { $0.removeValue(forKey: id) }
            }
        }

        func closeAll() {
            let channels = open.withLock { Array($0.values) }
            for channel in channels { try? channel.close().wait() }
        }
    }
}

/// One outcome handed from the event loop to the thread waiting in `obtainCode`; the first one
/// wins, later ones are dropped. Also counts the foreign redirects ignored meanwhile, so that a
/// timeout can say why no code came.
final class RedirectMailbox: Sendable {
    private let outcome = Mutex<Result<String, LocalServerError>?>(nil)
    private let foreignRequests = Atomic<Int>(0)
    private let delivered = DispatchSemaphore(value: 0)

    func noteForeignRequest() {
        foreignRequests.wrappingAdd(1, ordering: .relaxed)
    }

    func deliver(_ result: Result<String, LocalServerError>) {
        let first = outcome.withLock { current -> Bool in
            guard current == nil else { return false }
            current = result
            return true
        }
        if first { delivered.signal() }
    }

    /// The outcome, or after `seconds` `.timedOut`, or `.stateMismatch` when foreign redirects
    /// were all that came.
    func wait(seconds: Double) -> Result<String, LocalServerError> {
        if delivered.wait(timeout: .now() + seconds) == .timedOut {
            deliver(.failure(timeout(seconds: seconds)))
        }
        return outcome.withLock { $0 } ?? .failure(timeout(seconds: seconds))
    }

    private func timeout(seconds: Double) -> LocalServerError {
        let ignored = foreignRequests.load(ordering: .relaxed)
        return ignored > 0 ? .stateMismatch(ignoredRequests: ignored, seconds: seconds) : .timedOut(seconds: seconds)
    }
}

/// Answers each request on one connection. Only a GET (or HEAD) of "/" carrying `code` or
/// `error` and this login's `state` is a login answer; everything else gets a 404 and changes
/// nothing (a foreign redirect is counted).
private final class RedirectRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let expectedState: String
    private let appName: String
    private let page: RedirectPage
    private let mailbox: RedirectMailbox
    private var head: HTTPRequestHead?

    init(expectedState: String, appName: String, page: RedirectPage, mailbox: RedirectMailbox) {
        self.expectedState = expectedState
        self.appName = appName
        self.page = page
        self.mailbox = mailbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard request.method == .GET || request.method == .HEAD else {
            send(status: .methodNotAllowed, body: "", request: request, context: context)
            return
        }
        switch RedirectOutcome.evaluate(target: request.uri, expectedState: expectedState) {
        case .unrelated:
            send(status: .notFound, body: "", request: request, context: context)
        case .foreign:
            mailbox.noteForeignRequest()
            send(status: .notFound, body: "", request: request, context: context)
        case .answer(let result):
            let pageOutcome: RedirectPage.Outcome
            switch result {
            case .success: pageOutcome = .success
            case .failure(let error): pageOutcome = .failure(reason: error.description)
            }
            send(status: .ok, body: page.render(appName: appName, outcome: pageOutcome), request: request, context: context)
            mailbox.deliver(result)
        }
    }

    private func send(status: HTTPResponseStatus, body: String, request: HTTPRequestHead, context: ChannelHandlerContext) {
        let bytes = Array(body.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Content-Length", value: String(bytes.count))
        // The page's URL holds the code: keep it out of caches and out of Referer headers, and let
        // the page load nothing but its own inline style.
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
