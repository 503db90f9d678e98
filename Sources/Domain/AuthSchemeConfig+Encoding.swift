import JSON

extension AuthSchemeConfig {
    /// The reference's JSON shape. `validationMessages` is included when given (server output).
    /// The oauth2 grant's `clientSecret` is written as `""` unless `includingSecrets` (for sealed storage only).
    public func jsonValue(validationMessages: [Message]? = nil, includingSecrets: Bool = false) -> JSONValue {
        var object = JSONObject([
            ("id", .string(id)), ("description", .string(description)), ("schemeType", .string(schemeType.rawValue)),
        ])
        switch scheme {
        case .none, .basicAuth, .certificate, .jwtBearer, .customFunction: break
        case .apiKey(let apiKey):
            object["name"] = .string(apiKey.name)
            object["in"] = .string(apiKey.location.rawValue)
        case .hmac(let hmac):
            object["name"] = .string(hmac.name)
            object["in"] = .string(hmac.location.rawValue)
            object["algorithm"] = .string(hmac.algorithm.rawValue)
            object["digestInputs"] = .array(hmac.digestInputs.map { .string($0.rawValue) })
        case .oauth2(let oauth2):
            object["authorizeUrl"] = .string(oauth2.authorizeUrl)
            object["tokenUrl"] = .string(oauth2.tokenUrl)
            object["scopes"] = .array(oauth2.scopes.map(\.jsonValue))
            object["defaultScopes"] = .array(oauth2.defaultScopes.map(JSONValue.string))
            object["additionalAuthorizeParams"] = oauth2.additionalAuthorizeParams.map(JSONValue.string)
            object["additionalTokenParams"] = oauth2.additionalTokenParams.map(JSONValue.string)
            object["mtlsEnabled"] = oauth2.mtlsEnabled.map(JSONValue.bool)
            object["mtlsCredentialId"] = oauth2.mtlsCredentialId.map(JSONValue.string)
            object["grant"] = oauth2.grant.jsonValue(includingSecrets: includingSecrets)
        }
        if let validationMessages { object["validationMessages"] = .array(validationMessages.map(\.jsonValue)) }
        return .object(object)
    }
}

extension AuthSchemeConfig.OAuth2.Scope {
    var jsonValue: JSONValue {
        var object = JSONObject([("name", .string(name))])
        object["description"] = description.map(JSONValue.string)
        return .object(object)
    }
}

extension AuthSchemeConfig.OAuth2.Grant {
    func jsonValue(includingSecrets: Bool) -> JSONValue {
        var object = JSONObject([("grantType", .string(grantType.rawValue))])
        switch self {
        case .clientCredentials: break
        case .authorizationCode(let client), .password(let client):
            object["credentialId"] = client.credentialId.map { .string($0.string) }
            object["organisationId"] = client.organisationId.map { .string($0.string) }
            object["clientId"] = client.clientId.map(JSONValue.string)
            object["clientSecret"] = client.clientSecret.map { .string(includingSecrets ? $0.exposedValue : "") }
        }
        return .object(object)
    }
}
