import Domain
import JSON
import Postgres

/// Fills an exchange's client id and secret from the oauth2-client credential its grant names (`credentialId`).
/// The secret is opened from the vault only here, just before the exchange, and never leaves the request.
/// Either way the exchange needs both: without them it is 400 at the grant's `clientId` (Domain refuses a grant
/// with neither while decoding; here it is a named credential without them).
///
/// Naming a credential is not enough to spend its secret:
/// - the caller must be allowed to use it: an API key, any oauth2-client credential of its organisation; an
///   end-user token, only the one the connection's connector designates (the `grant.credentialId` of one of its
///   oauth2 `authorization_code` schemes) or one already bound to, or named by the grant of, that end user's own
///   connections. Any other
///   is 404004, as if it did not exist, so a token learns nothing about the organisation's credentials;
/// - the exchange's `tokenUrl` must be the credential's own (byte for byte): its secret goes nowhere else (400).
enum OAuthClientResolution {
    /// Who asks for the exchange: the caller, the connection's connector, and the end user whose connection it
    /// is (nil while a CreateEndUser makes the user).
    struct Caller: Sendable {
        var principal: Principal
        var connectorID: String
        var endUserID: String?
    }

    static func resolve(
        _ request: OAuthCodeExchangeRequest, fieldPath: String, caller: Caller, vault: CredentialVault,
        database: DatabasePool
    ) async throws -> OAuthCodeExchangeRequest {
        let resolved = try await fromCredential(
            request, fieldPath: fieldPath, caller: caller, vault: vault, database: database)
        guard let clientID = resolved.clientID, !clientID.isEmpty, let secret = resolved.clientSecret, !secret.isEmpty else {
            throw APIError.validation([APIError.Field(
                field: fieldPath + ".authSchemeConfig.grant.clientId", message: AuthSchemeConfig.OAuth2.GrantClient.missingClient)])
        }
        return resolved
    }

    private static func fromCredential(
        _ request: OAuthCodeExchangeRequest, fieldPath: String, caller: Caller, vault: CredentialVault,
        database: DatabasePool
    ) async throws -> OAuthCodeExchangeRequest {
        guard let credentialID = request.clientCredentialID else { return request }
        let organisationID = request.organisationID
        let (row, publicData) = try await requireUsable(
            credentialID, field: fieldPath + ".authSchemeConfig.grant.credentialId", organisationID: organisationID,
            caller: caller, database: database)
        guard case .string(let storedTokenURL)? = publicData["tokenUrl"],
              storedTokenURL.hasSameBytes(as: request.tokenURL)
        else {
            throw APIError.validation([APIError.Field(
                field: fieldPath + ".authSchemeConfig.tokenUrl",
                message: "must equal the tokenUrl of the oauth2-client credential named by grant.credentialId, "
                    + "the only place its secret is sent")])
        }
        let secrets = try vault.open(
            try row.bytes("sealed_secrets"), organisationID: organisationID, credentialID: credentialID)
        var resolved = request
        // A grant's own client id or secret is the JSON Merge Patch this request applies to the credential
        // (`GrantClientStorage`, API keys only), so the exchange uses them over the stored ones.
        if resolved.clientID?.isEmpty != false, case .string(let clientID)? = publicData["clientId"] {
            resolved.clientID = clientID
        }
        if resolved.clientSecret?.isEmpty != false, case .string(let clientSecret)? = secrets["clientSecret"] {
            resolved.clientSecret = clientSecret
        }
        return resolved
    }

    /// The named oauth2-client credential's row and public data, when the caller may use it: 404004 at `field`
    /// when it is not the organisation's or not the caller's to use, 400 when it is of another type.
    static func requireUsable(
        _ credentialID: String, field: String, organisationID: String, caller: Caller, database: DatabasePool
    ) async throws -> (Row, JSONObject) {
        let row = try await usableCredential(credentialID, organisationID: organisationID, caller: caller, database: database)
        guard let row else {
            let message = EndUserScope.isEndUser(caller.principal)
                ? "no credential with this id that this token may use" : "no credential with this id in the organisation"
            throw APIError(.credentialNotFound, "credential not found", fields: [.init(field: field, message: message)])
        }
        guard try row.string("type") == "oauth2-client",
              case .object(let publicData) = try JSONValue.parse(Array(try row.string("public_data").utf8))
        else {
            throw APIError.validation([APIError.Field(field: field, message: "must name an oauth2-client credential")])
        }
        return (row, publicData)
    }

    /// The credential's row when it is the organisation's and the caller may use it; nil otherwise.
    private static func usableCredential(
        _ credentialID: String, organisationID: String, caller: Caller, database: DatabasePool
    ) async throws -> Row? {
        let isEndUser = EndUserScope.isEndUser(caller.principal)
        return try await database.withConnection { connection in
            try await connection.query("""
                SELECT cr.type, cr.public_data::text AS public_data, cr.sealed_secrets FROM credentials cr
                WHERE cr.id = \(credentialID) AND cr.organisation_id = \(organisationID)
                  AND (NOT \(isEndUser)::boolean
                       OR EXISTS (SELECT 1 FROM connectors k, jsonb_array_elements(k.auth_scheme_configs) s
                                  WHERE k.id = \(caller.connectorID) AND k.organisation_id = cr.organisation_id
                                    AND s->>'schemeType' = 'oauth2'
                                    AND s->'grant'->>'grantType' = 'authorization_code'
                                    AND s->'grant'->>'credentialId' = cr.id)
                       OR EXISTS (SELECT 1 FROM connection_credentials b JOIN connections c ON c.id = b.connection_id
                                  WHERE (b.credential_id = cr.id OR b.auth_scheme_config->'grant'->>'credentialId' = cr.id)
                                    AND c.end_user_id = \(caller.endUserID)))
                """).rows.first
        }
    }
}
