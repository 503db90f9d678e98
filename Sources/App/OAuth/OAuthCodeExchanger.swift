public import Domain
public import HTTPClient
public import JSON
import Postgres

/// Exchanges an OAuth 2.0 authorization code for tokens at a connector's token endpoint (RFC 6749 §4.1.3) and
/// returns the oauth2-token credential data: `{accessToken, refreshToken, scopes, tokenType, expiresAt}`
/// (`expiresAt`, RFC 3339 UTC, only when `expires_in` was given; a response without `refresh_token` is refused,
/// since the contract requires one in an oauth2-token).
/// The call goes through `HTTPClient`, so the token URL passes the SSRF guard. Nothing here logs.
public struct OAuthCodeExchanger: Sendable {
    private let client: HTTPClient
    private let now: @Sendable () -> Timestamp

    /// `now` is the clock `expiresAt` counts from (injectable for tests).
    public init(client: HTTPClient, now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.client = client
        self.now = now
    }

    /// `clientID`/`clientSecret` come from the scheme's grant, or from the oauth2-client credential its
    /// `credentialId` names (the caller resolves it). `requestedScopes` stand in when the response has no `scope`.
    public func exchange(
        tokenURL: String, code: String, redirectURI: String?, clientID: String, clientSecret: String,
        requestedScopes: [String]
    ) async throws(OAuthExchangeError) -> JSONObject {
        try await exchange(
            tokenURL: tokenURL, code: code, redirectURI: redirectURI, clientID: clientID, clientSecret: clientSecret,
            requestedScopes: requestedScopes, additionalTokenParameters: nil)
    }

    /// The same, sending the scheme's `additionalTokenParams` (a form-encoded string such as `audience=api`) too,
    /// with the call counted against `organisationID`'s outbound concurrency limit.
    public func exchange(
        tokenURL: String, code: String, redirectURI: String?, clientID: String, clientSecret: String,
        requestedScopes: [String], additionalTokenParameters: String?, organisationID: String? = nil,
        codeVerifier: String? = nil
    ) async throws(OAuthExchangeError) -> JSONObject {
        let request = OAuthTokenRequest(
            tokenURL: tokenURL, code: code, redirectURI: redirectURI, clientID: clientID, clientSecret: clientSecret,
            additionalParameters: additionalTokenParameters, codeVerifier: codeVerifier)
        let reader = OAuthTokenResponse(secrets: [code, clientSecret], requestedScopes: requestedScopes, now: now())
        return try await send(request.outbound, organisationID: organisationID, reader: reader)
    }

    /// Sends a token request (counted against `organisationID`'s outbound limit) and reads its answer.
    func send(
        _ request: OutboundRequest, organisationID: String?, reader: OAuthTokenResponse
    ) async throws(OAuthExchangeError) -> JSONObject {
        var outbound = request
        outbound.tenant = organisationID
        let response: OutboundResponse
        // The request's deadline (`CallerDeadline`) bounds the call when it comes before the client's timeout.
        let timeLeft = CallerDeadline.current.map { ContinuousClock.now.duration(to: $0) }
        do {
            response = try await client.send(outbound, timeLimit: timeLeft)
        } catch .timedOut where timeLeft.map({ $0 < client.configuration.timeout }) ?? false {
            throw .deadlineExceeded
        } catch {
            throw OAuthExchangeError(error)
        }
        return try reader.credentialData(from: response)
    }
}
