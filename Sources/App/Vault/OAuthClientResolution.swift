import JSON
import Postgres

/// Fills an exchange's client id and secret from the oauth2-client credential its grant names (`credentialId`).
/// The secret is opened from the vault only here, just before the exchange, and never leaves the request.
/// Either way the exchange needs both: without them it is 400 at the grant's `clientId`.
enum OAuthClientResolution {
    static func resolve(
        _ request: OAuthCodeExchangeRequest, fieldPath: String, vault: CredentialVault, database: DatabasePool
    ) async throws -> OAuthCodeExchangeRequest {
        let resolved = try await fromCredential(request, fieldPath: fieldPath, vault: vault, database: database)
        guard let clientID = resolved.clientID, !clientID.isEmpty, let secret = resolved.clientSecret, !secret.isEmpty else {
            throw APIError.validation([APIError.Field(
                field: fieldPath + ".authSchemeConfig.grant.clientId",
                message: "an oauth2-code credential needs the grant's clientId and clientSecret, "
                    + "or a credentialId naming an oauth2-client credential")])
        }
        return resolved
    }

    private static func fromCredential(
        _ request: OAuthCodeExchangeRequest, fieldPath: String, vault: CredentialVault, database: DatabasePool
    ) async throws -> OAuthCodeExchangeRequest {
        guard let credentialID = request.clientCredentialID else { return request }
        let organisationID = request.organisationID
        let row = try await database.withConnection { connection in
            try await connection.query("""
                SELECT type, public_data::text AS public_data, sealed_secrets FROM credentials
                WHERE id = \(credentialID) AND organisation_id = \(organisationID)
                """).rows.first
        }
        let field = fieldPath + ".authSchemeConfig.grant.credentialId"
        guard let row else {
            throw APIError(.credentialNotFound, "credential not found", fields: [
                APIError.Field(field: field, message: "no credential with this id in the organisation"),
            ])
        }
        guard try row.string("type") == "oauth2-client" else {
            throw APIError.validation([APIError.Field(field: field, message: "must name an oauth2-client credential")])
        }
        let secrets = try vault.open(try row.bytes("sealed_secrets"), organisationID: organisationID, credentialID: credentialID)
        var resolved = request
        if case .object(let publicData) = try JSONValue.parse(Array(try row.string("public_data").utf8)),
           case .string(let clientID)? = publicData["clientId"] {
            resolved.clientID = clientID
        }
        if case .string(let clientSecret)? = secrets["clientSecret"] { resolved.clientSecret = clientSecret }
        return resolved
    }
}
