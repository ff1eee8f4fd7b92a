/// Printing a token set shows what it is for and when it expires, never the tokens: logs,
/// crash reports and test failures are where secrets leak.
extension TokenSet: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "TokenSet(resource server: \(resourceServer), scope: \(scope), expires at: \(expiresAtSeconds), "
            + "refresh token: \(refreshToken == nil ? "absent" : "present"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "resourceServer": resourceServer,
                "scope": scope,
                "tokenType": tokenType,
                "expiresAtSeconds": expiresAtSeconds,
                "accessToken": "<redacted>",
                "refreshToken": refreshToken == nil ? "absent" : "<redacted>",
            ],
            displayStyle: .struct
        )
    }
}
