import Domain
import HTTP1
import JSON

/// An oauth2 access token ready to send.
public struct OAuthAccessToken: Sendable, Equatable, CustomStringConvertible {
    public var accessToken: String
    /// As the provider named it; `header` spells `Bearer` whatever its case.
    public var tokenType: String
    public var expiresAt: Timestamp?

    public init(accessToken: String, tokenType: String, expiresAt: Timestamp?) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
    }

    /// The `Authorization` value: `Bearer <token>` (or the provider's own type, e.g. `MAC`).
    public var header: String {
        let type = tokenType.isEmpty || tokenType.equalsIgnoringASCIICase("bearer") ? "Bearer" : tokenType
        return "\(type) \(accessToken)"
    }

    public var description: String { "OAuthAccessToken(\(tokenType), expires \(expiresAt?.rfc3339 ?? "never"))" }
}

/// What asking for a fresh token needs: the binding's oauth2 settings and its credential, opened.
public struct AccessTokenDemand: Sendable {
    public var organisationID: String
    public var credentialID: String
    public var credentialType: CredentialType
    public var oauth2: AuthSchemeConfig.OAuth2
    public var publicData: JSONObject
    public var secrets: JSONObject
    /// True after the provider refused the token it was given (a 401): a stored token no longer does.
    public var mustRenew: Bool
}

/// Where `/access` and the proxy get an oauth2 access token. "About to expire" means within 60 seconds: such a
/// token is renewed first. The server's is `RefreshingAccessTokens`; `StoredAccessTokens` serves only what is
/// stored.
public protocol AccessTokenSource: Sendable {
    func accessToken(for demand: AccessTokenDemand) async throws -> OAuthAccessToken
}

/// Serves the access token an oauth2-token credential holds while it is not about to expire; anything that
/// would need the token endpoint (renewing, or a grant that stores no token) answers 502008.
public struct StoredAccessTokens: AccessTokenSource {
    public static let renewalMargin: Int64 = 60
    var now: @Sendable () -> Timestamp = { Timestamp.now() }

    public init() {}

    public func accessToken(for demand: AccessTokenDemand) async throws -> OAuthAccessToken {
        guard demand.credentialType == .oauth2Token else {
            throw APIError(
                .accessTokenUnavailable, "no access token can be had for this binding",
                details: "a \(demand.credentialType.rawValue) credential needs a token fetched from its token endpoint, "
                    + "which this server does not do yet")
        }
        let token = demand.secrets["accessToken"]?.stringValue ?? ""
        let expiresAt = demand.publicData["expiresAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
        guard !demand.mustRenew else {
            throw APIError(.accessTokenUnavailable, "the provider refused the stored access token and it cannot be refreshed yet")
        }
        guard !token.isEmpty else {
            throw APIError(.accessTokenUnavailable, "the credential holds no access token and it cannot be refreshed yet")
        }
        if let expiresAt, expiresAt < now().adding(seconds: Self.renewalMargin) {
            throw APIError(
                .accessTokenUnavailable, "the stored access token expires within 60 seconds and cannot be refreshed yet")
        }
        return OAuthAccessToken(
            accessToken: token, tokenType: demand.publicData["tokenType"]?.stringValue ?? "Bearer", expiresAt: expiresAt)
    }
}
