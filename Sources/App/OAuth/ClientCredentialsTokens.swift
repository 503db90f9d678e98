import Cryptography
import Domain
import JSON
import Locking
import Postgres

/// Access tokens of the `client_credentials` grant (RFC 6749 §4.4), fetched on demand with an oauth2-client
/// credential at its own `tokenUrl` and kept, sealed under the key ring, until a minute before they expire.
/// The cache is per server process and keyed by the credential's id and `updated_at`, so a patched client
/// fetches anew.
public final class ClientCredentialsTokens: Sendable {
    private struct Cached {
        var credentialVersion: String
        var sealed: [UInt8]
        var expiresAt: Timestamp
    }

    private let cache = Locked([String: Cached]())

    public init() {}

    /// The access token for an oauth2-client credential of the organisation (nil when there is none).
    func accessToken(credentialID: String, organisationID: String, context: AppContext) async throws -> String? {
        let row = try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT updated_at::text AS version FROM credentials
                WHERE id = \(credentialID) AND organisation_id = \(organisationID) AND type = 'oauth2-client'
                """).rows.first
        }
        guard let version = try row?.string("version") else { return nil }
        let associatedData = Array("client-token:v1|\(organisationID)|\(credentialID)".utf8)
        let now = Timestamp.now()
        if let cached = cache.withLock({ $0[credentialID] }), cached.credentialVersion == version,
           now.adding(seconds: 60) < cached.expiresAt {
            return String(decoding: try context.keyRing.open(cached.sealed, associatedData: associatedData), as: UTF8.self)
        }
        let vault = CredentialVault(keyRing: context.keyRing)
        let client = try await OAuth2ClientSecret.read(
            credentialID, organisationID: organisationID, vault: vault, database: context.database)
        var form = [("grant_type", "client_credentials")]
        if !client.scopes.isEmpty { form.append(("scope", client.scopes.joined(separator: " "))) }
        let request = OAuthTokenRequest.outbound(
            tokenURL: client.tokenURL, form: form, clientID: client.clientID, clientSecret: client.clientSecret)
        let reader = OAuthTokenResponse(
            secrets: [client.clientSecret], requestedScopes: client.scopes, now: now, requiresRefreshToken: false)
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
