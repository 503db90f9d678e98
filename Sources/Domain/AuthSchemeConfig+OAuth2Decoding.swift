import JSON

extension AuthSchemeConfig {
    static func decodeOAuth2(_ reader: inout ObjectReader) -> OAuth2? {
        let authorizeUrl = reader.string("authorizeUrl", allowEmpty: true)
        if let authorizeUrl, !authorizeUrl.isEmpty, !Formats.isAbsoluteHTTPURL(authorizeUrl) {
            reader.issues.report(reader.pathOf("authorizeUrl"), "must be an absolute http(s) URL or empty")
        }
        let tokenUrl = reader.string("tokenUrl")
        if let tokenUrl, !Formats.isAbsoluteHTTPURL(tokenUrl) {
            reader.issues.report(reader.pathOf("tokenUrl"), "must be an absolute http(s) URL")
        }
        var scopes: [OAuth2.Scope]? = []
        for element in reader.array("scopes", maxCount: ValidationLimits.maxScopes) ?? [] {
            guard var scopeReader = ObjectReader(element.value, at: element.path, issues: reader.issues) else {
                scopes = nil
                continue
            }
            let name = scopeReader.string("name")
            let description = scopeReader.string("description", required: false, allowEmpty: true)
            scopeReader.finish()
            if let name { scopes?.append(OAuth2.Scope(name: name, description: description)) } else { scopes = nil }
        }
        if !reader.has("scopes") { scopes = nil }
        let defaultScopes = reader.stringArray("defaultScopes")
        let authorizeParams = reader.string("additionalAuthorizeParams", required: false, allowEmpty: true)
        let tokenParams = reader.string("additionalTokenParams", required: false, allowEmpty: true)
        let mtlsEnabled = reader.bool("mtlsEnabled")
        let mtlsCredentialId = reader.string("mtlsCredentialId", required: false, allowEmpty: true)
        let grant = decodeGrant(reader.value("grant", required: true), at: reader.pathOf("grant"), issues: reader.issues)
        guard let authorizeUrl, let tokenUrl, let scopes, let defaultScopes, let grant else { return nil }
        return OAuth2(
            authorizeUrl: authorizeUrl, tokenUrl: tokenUrl, scopes: scopes, defaultScopes: defaultScopes,
            additionalAuthorizeParams: authorizeParams, additionalTokenParams: tokenParams,
            mtlsEnabled: mtlsEnabled, mtlsCredentialId: mtlsCredentialId, grant: grant)
    }

    private static func decodeGrant(_ value: JSONValue?, at path: String, issues: IssueCollector) -> OAuth2.Grant? {
        guard value != nil, var reader = ObjectReader(value, at: path, issues: issues) else { return nil }
        defer { reader.finish() }
        guard let grantType = reader.enumeration("grantType", as: OAuth2.GrantType.self) else { return nil }
        switch grantType {
        case .clientCredentials: return .clientCredentials
        case .authorizationCode: return decodeGrantClient(&reader).map(OAuth2.Grant.authorizationCode)
        case .password: return decodeGrantClient(&reader).map(OAuth2.Grant.password)
        }
    }

    private static func decodeGrantClient(_ reader: inout ObjectReader) -> OAuth2.GrantClient? {
        let failuresBefore = reader.issues.issues.count
        let client = OAuth2.GrantClient(
            credentialId: reader.ulid("credentialId", required: false),
            organisationId: reader.ulid("organisationId", required: false),
            clientId: reader.string("clientId", required: false, allowEmpty: true),
            clientSecret: reader.string("clientSecret", required: false, allowEmpty: true,
                maxLength: ValidationLimits.maxPayloadLength).map(SecretString.init))
        return reader.issues.issues.count == failuresBefore ? client : nil
    }
}
