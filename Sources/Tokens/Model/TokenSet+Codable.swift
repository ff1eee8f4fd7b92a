extension TokenSet: Codable {
    /// Decodes with `verify_token_group`'s rules and throws `TokenFormatError` (not
    /// `DecodingError`) when one fails. Inside a `TokenMap`, the map key names the set in the
    /// error.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        let mapKey = decoder.codingPath.last.flatMap { $0.intValue == nil ? $0.stringValue : nil }
        self = try TokenValidation.tokenSet(from: value, filedUnder: mapKey)
    }

    /// Writes all six keys, `refresh_token` as null when absent, as Python does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scope, forKey: .scope)
        try container.encode(accessToken, forKey: .accessToken)
        try container.encode(refreshToken, forKey: .refreshToken)
        try container.encode(tokenType, forKey: .tokenType)
        try container.encode(expiresAtSeconds, forKey: .expiresAtSeconds)
        try container.encode(resourceServer, forKey: .resourceServer)
    }
}
