public import JSON

/// What an `oauth2-code` credential needs to become an `oauth2-token`: the code, the token endpoint of the
/// binding's oauth2 scheme and the client to present. Holds secrets, so it prints as `****`.
public struct OAuthCodeExchangeRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var organisationID: String
    public var tokenURL: String
    public var code: String
    public var state: String
    public var clientID: String?
    public var clientSecret: String?
    /// The grant's `credentialId`: an oauth2-client credential holding the client id and secret, which the
    /// creation resolves (and opens) before calling the exchanger.
    public var clientCredentialID: String?
    /// The scheme's `defaultScopes`, for token responses that do not name their scopes.
    public var requestedScopes: [String]
    /// The scheme's `additionalTokenParams` (form-encoded, e.g. `redirect_uri=…`), appended to the token request.
    public var additionalTokenParams: String?

    public init(
        organisationID: String, tokenURL: String, code: String, state: String, clientID: String?, clientSecret: String?,
        clientCredentialID: String? = nil, requestedScopes: [String] = [], additionalTokenParams: String? = nil
    ) {
        self.organisationID = organisationID
        self.tokenURL = tokenURL
        self.code = code
        self.state = state
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.clientCredentialID = clientCredentialID
        self.requestedScopes = requestedScopes
        self.additionalTokenParams = additionalTokenParams
    }

    public var description: String { "****" }
    public var debugDescription: String { "****" }
}

/// Exchanges an authorization code at the token endpoint. Called before any database write begins, so a slow
/// endpoint never holds a transaction open. Returns the `oauth2-token` credential data (`refreshToken`,
/// `accessToken`, `scopes`, `tokenType`, `expiresAt`); errors should be `APIError`s (400006, 400007, 502001,
/// 502002) since they reach the client.
public protocol OAuthCodeExchanging: Sendable {
    func exchange(_ request: OAuthCodeExchangeRequest) async throws -> JSONObject
}

extension AppContext {
    /// The exchanger the connection routes use: the context's outbound HTTP client, with its SSRF guard, egress
    /// allow-list, time limit and per-organisation concurrency limit.
    var oauthCodeExchanger: any OAuthCodeExchanging { OAuthCodeExchanger(client: outbound) }
}
