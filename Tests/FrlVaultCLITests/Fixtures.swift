/// Token files exactly as Fair Research Login 0.3.1 writes them (generated once with its
/// JSONTokenStorage and ConfigParserTokenStorage, then pasted here), and the secrets the
/// tests look for in every output.
enum Fixtures {
    static let passphrase = "correct horse battery staple"
    static let otherPassphrase = "tr0ub4dor&3 but longer"

    static let accessTokens = ["AUTH-ACCESS-5f2b9c", "TRANSFER-ACCESS-77aa01"]
    static let refreshTokens = ["TRANSFER-REFRESH-d00d"]
    static var secrets: [String] { accessTokens + refreshTokens + [passphrase, otherPassphrase] }

    /// `JSONTokenStorage('fx.json').write_tokens(tokens)`: json.dump(indent=2), no final newline.
    static let pythonJSON = """
        {
          "auth.globus.org": {
            "scope": "openid profile email",
            "access_token": "AUTH-ACCESS-5f2b9c",
            "refresh_token": null,
            "token_type": "Bearer",
            "expires_at_seconds": 4102444800,
            "resource_server": "auth.globus.org"
          },
          "transfer.api.globus.org": {
            "scope": "urn:globus:auth:scope:transfer.api.globus.org:all",
            "access_token": "TRANSFER-ACCESS-77aa01",
            "refresh_token": "TRANSFER-REFRESH-d00d",
            "token_type": "Bearer",
            "expires_at_seconds": 1600000000,
            "resource_server": "transfer.api.globus.org"
          }
        }
        """

    /// The [tokens] section `ConfigParserTokenStorage(section='tokens')` writes for the same map.
    static let pythonTokensSection = """
        [tokens]
        auth_globus_org__scope = openid profile email
        auth_globus_org__access_token = AUTH-ACCESS-5f2b9c
        auth_globus_org__refresh_token = \("")
        auth_globus_org__token_type = Bearer
        auth_globus_org__expires_at_seconds = 4102444800
        auth_globus_org__resource_server = auth.globus.org
        transfer_api_globus_org__scope = urn:globus:auth:scope:transfer.api.globus.org:all
        transfer_api_globus_org__access_token = TRANSFER-ACCESS-77aa01
        transfer_api_globus_org__refresh_token = TRANSFER-REFRESH-d00d
        transfer_api_globus_org__token_type = Bearer
        transfer_api_globus_org__expires_at_seconds = 1600000000
        transfer_api_globus_org__resource_server = transfer.api.globus.org


        """

    /// A second client's section (MultiClientTokenStorage) in the same file.
    static let pythonOtherSection = """
        [other-client]
        search_api_globus_org__scope = urn:globus:auth:scope:search.api.globus.org:search
        search_api_globus_org__access_token = SEARCH-ACCESS-1234
        search_api_globus_org__refresh_token = SEARCH-REFRESH-9
        search_api_globus_org__token_type = Bearer
        search_api_globus_org__expires_at_seconds = 4102444800
        search_api_globus_org__resource_server = search.api.globus.org


        """

    /// Fails Python's verify_token_group: token_type must be "Bearer".
    static let invalidTokenTypeJSON = """
        {
          "auth.globus.org": {
            "scope": "openid",
            "access_token": "BAD-ACCESS-0000",
            "token_type": "MAC",
            "expires_at_seconds": 4102444800,
            "resource_server": "auth.globus.org"
          }
        }
        """
}
