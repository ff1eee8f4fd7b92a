public import Foundation

/// Where Globus Auth lives. The default is production; the environment variable
/// `GLOBUS_SDK_SERVICE_URL_AUTH` (the name the Python globus-sdk under Fair Research Login reads,
/// so one setting points both at the same service) or an explicit URL replace it.
public struct AuthBaseURL: Sendable, Hashable, CustomStringConvertible {
    /// Production Globus Auth.
    public static let production = AuthBaseURL(checked: URL(string: "https://auth.globus.org")!)
    /// The environment variable that overrides the default.
    public static let environmentVariable = "GLOBUS_SDK_SERVICE_URL_AUTH"

    /// Without a trailing slash, so paths join with one.
    public let url: URL

    /// Accepts https anywhere, and plain http only on a loopback host (127.0.0.1, ::1,
    /// localhost) so that tests and local proxies work while codes, verifiers and refresh tokens
    /// never cross a network in clear text.
    public init(_ text: String, source: String = "the argument") throws(LoginUsageError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw .invalidAuthBaseURL(source: source, reason: "not an absolute URL with a host")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil,
              components.password == nil else {
            throw .invalidAuthBaseURL(source: source, reason: "it must not carry a query, fragment or user information")
        }
        switch scheme {
        case "https":
            break
        case "http" where AuthBaseURL.loopbackHosts.contains(host.lowercased()):
            break
        case "http":
            throw .invalidAuthBaseURL(source: source, reason: "plain http is only accepted for a loopback host")
        default:
            throw .invalidAuthBaseURL(source: source, reason: "the scheme must be https")
        }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed) else {
            throw .invalidAuthBaseURL(source: source, reason: "not an absolute URL with a host")
        }
        self.url = url
    }

    private init(checked url: URL) { self.url = url }

    /// The explicit value if given, else the environment variable if set and non-empty, else
    /// production.
    public static func resolve(explicit: String?, environment: [String: String]) throws(LoginUsageError) -> AuthBaseURL {
        if let explicit { return try AuthBaseURL(explicit) }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return try AuthBaseURL(fromEnvironment, source: environmentVariable)
        }
        return .production
    }

    /// `path` starts with "/".
    func appending(path: String) -> URL {
        URL(string: url.absoluteString + path) ?? url
    }

    public var description: String { url.absoluteString }

    private static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "[::1]", "localhost"]
}
