import JSON
import Postgres

/// Fills an exchange's client id and secret from the oauth2-client credential its grant names (`credentialId`).
/// The secret is opened from the vault only here, just before the exchange, and never leaves the request.
enum OAuthClientResolution {
    static func resolve(
        _ request: OAuthCodeExchangeRequest, fieldPath: String, vault: CredentialVault, database: DatabasePool
    ) async throws -> OAuthCodeExchangeRequest {
        guard let credentialID = request.clientCredentialID else { return request }
        let organisationID = request.organisationID
        let row = try await database.withConnection { connection in
            try connection.query("""
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
