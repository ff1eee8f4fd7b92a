extension Fixtures {
    /// One JSONTokenStorage entry, for files built around a hostile name or time.
    static func tokenSet(_ resourceServer: String, scope: String, expiresAt: Int) -> String {
        """
        "\(resourceServer)": {"scope": "\(scope)", "access_token": "AUTH-ACCESS-5f2b9c", "refresh_token": null,
          "token_type": "Bearer", "expires_at_seconds": \(expiresAt), "resource_server": "\(resourceServer)"}
        """
    }
}
