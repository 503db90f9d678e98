import Cryptography
import Domain
import JSON
import Locking
import Postgres

/// Access tokens of the grants that need no end user at the provider, fetched on demand and kept, sealed under
/// the key ring, until a minute before they expire:
/// - `client_credentials` (RFC 6749 §4.4) for an oauth2-client credential, at its own `tokenUrl`, with its scopes;
/// - `password` (§4.3) for an oauth2-password credential, with the oauth2-client credential that the grant of
///   its binding names, at that client's own `tokenUrl`.
/// The cache is per server process and keyed by the credential's id and `updated_at`, so a changed credential
/// fetches anew.
public final class OnDemandTokens: Sendable {
    private struct Cached {
        var credentialVersion: String
        var sealed: [UInt8]
        var expiresAt: Timestamp
    }

    private let cache = Locked([String: Cached]())

    public init() {}

    /// The access token for an oauth2-client or oauth2-password credential of the organisation (nil when there is
    /// none); 404004 for a password credential whose binding names no client.
    func accessToken(credentialID: String, organisationID: String, context: AppContext) async throws -> String? {
        let row = try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT cr.id, cr.organisation_id, cr.type, cr.updated_at::text AS version, cr.sealed_secrets,
                       cr.public_data->>'username' AS username,
                       (SELECT b.auth_scheme_config->'grant'->>'credentialId' FROM connection_credentials b
                        WHERE b.credential_id = cr.id AND b.auth_scheme_config->'grant'->>'grantType' = 'password'
                          AND b.auth_scheme_config->'grant'->>'credentialId' IS NOT NULL
                        ORDER BY b.id LIMIT 1) AS client_id
                FROM credentials cr
                WHERE cr.id = \(credentialID) AND cr.organisation_id = \(organisationID)
                  AND cr.type IN ('oauth2-client', 'oauth2-password')
                """).rows.first
        }
        guard let row else { return nil }
        let version = try row.string("version")
        let associatedData = Array("on-demand-token:v1|\(organisationID)|\(credentialID)".utf8)
        let now = Timestamp.now()
        if let cached = cache.withLock({ $0[credentialID] }), cached.credentialVersion == version,
           now.adding(seconds: 60) < cached.expiresAt {
            return String(decoding: try context.keyRing.open(cached.sealed, associatedData: associatedData), as: UTF8.self)
        }
        let vault = CredentialVault(keyRing: context.keyRing)
        var form: [(String, String)]
        let clientCredentialID: String
        var secrets: [String] = []
        if try row.string("type") == CredentialType.oauth2Password.rawValue {
            guard let named = try row.optionalString("client_id") else {
                throw APIError(.credentialNotFound, "no oauth2-client credential is named by the grant of this password credential's binding")
            }
            let password = try vault.open(row)["password"]?.stringValue ?? ""
            form = [("grant_type", "password"), ("username", try row.optionalString("username") ?? ""), ("password", password)]
            secrets.append(password)
            clientCredentialID = named
        } else {
            form = [("grant_type", "client_credentials")]
            clientCredentialID = credentialID
        }
        let client = try await OAuth2ClientSecret.read(
            clientCredentialID, organisationID: organisationID, vault: vault, database: context.database)
        if !client.scopes.isEmpty { form.append(("scope", client.scopes.joined(separator: " "))) }
        let request = OAuthTokenRequest.outbound(
            tokenURL: client.tokenURL, form: form, clientID: client.clientID, clientSecret: client.clientSecret)
        let reader = OAuthTokenResponse(
            secrets: secrets + [client.clientSecret], requestedScopes: client.scopes, now: now, requiresRefreshToken: false)
        let token = try await OAuthCodeExchanger(client: context.outbound).send(request, organisationID: organisationID, reader: reader)
        let accessToken = token["accessToken"]?.stringValue ?? ""
        // Without expires_in the token is used for this call only.
        if let expiresAt = token["expiresAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)) {
            let sealed = try context.keyRing.seal(Array(accessToken.utf8), associatedData: associatedData)
            cache.withLock { $0[credentialID] = Cached(credentialVersion: version, sealed: sealed, expiresAt: expiresAt) }
        }
        return accessToken
    }
}
