import Domain
import JSON
import Postgres

/// The server's access tokens for `/access` and the proxy. An oauth2-token's stored token is served while it does
/// not expire within 60 seconds; otherwise, or once its provider refused it, the token refresher renews it first
/// (under the same row lock as its background passes, so one refresh runs at a time). client_credentials and
/// password grants get theirs from the refresher's on-demand cache.
struct RefreshingAccessTokens: AccessTokenSource {
    let context: AppContext

    func accessToken(for demand: AccessTokenDemand) async throws -> OAuthAccessToken {
        if demand.credentialType == .oauth2Token, !demand.mustRenew,
           let stored = try? await StoredAccessTokens().accessToken(for: demand) {
            return stored
        }
        let token: String?
        do {
            token = try await OAuthTokenRefresher(context: context).freshAccessToken(
                credentialID: demand.credentialID, organisationID: demand.organisationID, force: demand.mustRenew)
        } catch let error as APIError {
            // The provider's refusal or failure is the upstream's, not the caller's request's.
            throw APIError(.accessTokenUnavailable, error.message)
        }
        guard let token, !token.isEmpty else {
            throw APIError(.accessTokenUnavailable, "no access token can be had for this binding's credential")
        }
        // No client or refresh token to renew it with: the refused or expiring token is all there is.
        if demand.mustRenew, token == demand.secrets["accessToken"]?.stringValue {
            throw APIError(.accessTokenUnavailable, "the provider refused the stored access token and it cannot be renewed")
        }
        let (tokenType, expiresAt) = try await storedTokenDetails(demand)
        if let expiresAt, expiresAt < Timestamp.now().adding(seconds: StoredAccessTokens.renewalMargin) {
            throw APIError(.accessTokenUnavailable, "the stored access token expires within 60 seconds and cannot be renewed")
        }
        return OAuthAccessToken(accessToken: token, tokenType: tokenType, expiresAt: expiresAt)
    }

    /// The renewed token's type and expiry as the refresher stored them; an on-demand token keeps none.
    private func storedTokenDetails(_ demand: AccessTokenDemand) async throws -> (String, Timestamp?) {
        guard demand.credentialType == .oauth2Token else { return ("Bearer", nil) }
        let row = try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT public_data->>'tokenType' AS token_type, public_data->>'expiresAt' AS expires_at
                FROM credentials WHERE id = \(demand.credentialID) AND organisation_id = \(demand.organisationID)
                """).rows.first
        }
        let tokenType = try row?.optionalString("token_type") ?? "Bearer"
        let expiresAt = try row?.optionalString("expires_at").flatMap(Timestamp.init(rfc3339:))
        return (tokenType, expiresAt)
    }
}
