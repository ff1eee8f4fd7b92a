public import Foundation

/// Opens a URL in the user's browser. Injectable so that tests drive a scripted browser; the
/// default runs the platform's opener.
public struct BrowserOpener: Sendable {
    public let open: @Sendable (URL) throws -> Void

    public init(_ open: @escaping @Sendable (URL) throws -> Void) { self.open = open }

    /// `xdg-open` on Linux and other freedesktop systems, `open` on macOS. The URL is passed as a
    /// single argument (no shell), and a failure to start or a non-zero exit throws so that the
    /// caller prints the URL instead.
    public static let system = BrowserOpener { url in
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [opener, url.absoluteString]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BrowserOpenerFailure(status: process.terminationStatus) }
    }

    /// Opens nothing; the URL is always printed.
    public static let none = BrowserOpener { _ in throw BrowserOpenerFailure(status: -1) }
}

struct BrowserOpenerFailure: Error {
    let status: Int32
}
