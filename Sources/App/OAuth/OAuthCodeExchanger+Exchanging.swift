public import JSON

/// The outbound exchanger behind the connection routes' `OAuthCodeExchanging`. The client id and secret are
/// resolved (and checked present) by the creation before this is called.
extension OAuthCodeExchanger: OAuthCodeExchanging {
    public func exchange(_ request: OAuthCodeExchangeRequest) async throws -> JSONObject {
        try await exchange(
            tokenURL: request.tokenURL, code: request.code, redirectURI: nil, clientID: request.clientID ?? "",
            clientSecret: request.clientSecret ?? "", requestedScopes: request.requestedScopes,
            additionalTokenParameters: request.additionalTokenParams, organisationID: request.organisationID)
    }
}
