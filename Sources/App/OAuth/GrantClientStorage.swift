import Domain
import JSON
import Postgres

/// Keeps an oauth2 grant's client secret where the reference keeps it: in an oauth2-client credential of the
/// organisation, never in a binding's scheme (which stores and answers `clientSecret` as `""`).
/// - Without `credentialId` and `organisationId`, a grant with a `clientSecret` makes a new oauth2-client credential
///   (client id and secret, the scheme's `tokenUrl` and `authorizeUrl`) and the bound grant names it.
/// - With `credentialId`, a `clientId` or `clientSecret` in the grant is a JSON Merge Patch of that credential,
///   which only an API key may apply (an end-user token must not change what the organisation's other users
///   spend); the credential's `tokenUrl` is never patched, so its secret still goes nowhere else.
/// Both are written by the create statement itself, so they commit or fail with the connection.
enum GrantClientStorage {
    struct Outcome: Sendable {
        /// The scheme to bind: its grant names the credential that holds the client.
        var scheme: AuthSchemeConfig
        var created: NewCredential?
        var patched: NewCredential?
    }

    /// `caller` is who names a credential: it must be one the caller may use (`OAuthClientResolution`), whether or
    /// not this request exchanges a code with it, since the token refresher later spends it for the binding.
    static func store(
        _ entry: ConnectionCredentialInput, connectionName: String, caller: OAuthClientResolution.Caller,
        organisationID: String, context: AppContext, vault: CredentialVault
    ) async throws -> Outcome {
        let principal = caller.principal
        let unchanged = Outcome(scheme: entry.authSchemeConfig, created: nil, patched: nil)
        guard case .oauth2(var oauth2) = entry.authSchemeConfig.scheme else { return unchanged }
        let client: AuthSchemeConfig.OAuth2.GrantClient
        let rebuild: (AuthSchemeConfig.OAuth2.GrantClient) -> AuthSchemeConfig.OAuth2.Grant
        switch oauth2.grant {
        case .authorizationCode(let grantClient): (client, rebuild) = (grantClient, { .authorizationCode($0) })
        case .password(let grantClient): (client, rebuild) = (grantClient, { .password($0) })
        case .clientCredentials: return unchanged
        }
        let grantPath = entry.field + ".authSchemeConfig.grant"
        if let named = client.organisationId {
            guard client.credentialId != nil else {
                throw APIError.validation([.init(field: grantPath + ".credentialId", message: "required with organisationId")])
            }
            guard named.string == organisationID else {
                throw APIError(.credentialNotFound, "credential not found", fields: [.init(
                    field: grantPath + ".organisationId", message: "names another organisation; only its own credentials are used")])
            }
        }
        let clientID = client.clientId ?? "", secret = client.clientSecret?.exposedValue ?? ""
        if let credentialID = client.credentialId {
            guard !clientID.isEmpty || !secret.isEmpty else {
                _ = try await OAuthClientResolution.requireUsable(
                    credentialID.string, field: grantPath + ".credentialId", organisationID: organisationID,
                    caller: caller, database: context.database)
                return unchanged
            }
            let patched = try await patch(
                credentialID.string, clientID: clientID, secret: secret, grantPath: grantPath,
                organisationID: organisationID, principal: principal, context: context, vault: vault)
            return Outcome(scheme: entry.authSchemeConfig, created: nil, patched: patched)
        }
        guard !secret.isEmpty else { return unchanged }
        guard !clientID.isEmpty else {
            throw APIError.validation([.init(field: grantPath + ".clientId", message: "required with clientSecret")])
        }
        var data = JSONObject([
            ("clientId", .string(clientID)), ("clientSecret", .string(secret)), ("tokenUrl", .string(oauth2.tokenUrl)),
        ])
        if !oauth2.authorizeUrl.isEmpty { data["authorizeUrl"] = .string(oauth2.authorizeUrl) }
        let keyMaterial = context.keyMaterial
        let validated = try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(
                name: "\(connectionName) \(entry.authSchemeConfig.id) client", type: .oauth2Client, data: .object(data),
                at: grantPath, keyMaterial: keyMaterial)
        }
        let id = ULID.generate()
        let created = try seal(validated, id: id.string, organisationID: organisationID, vault: vault)
        var named = client
        named.credentialId = id
        named.organisationId = ULID(organisationID)
        oauth2.grant = rebuild(named)
        var scheme = entry.authSchemeConfig
        scheme.scheme = .oauth2(oauth2)
        return Outcome(scheme: scheme, created: created, patched: nil)
    }

    /// The named credential with the grant's client id and secret merged in, sealed again under its own id.
    private static func patch(
        _ credentialID: String, clientID: String, secret: String, grantPath: String, organisationID: String,
        principal: Principal, context: AppContext, vault: CredentialVault
    ) async throws -> NewCredential {
        guard !EndUserScope.isEndUser(principal) else {
            throw APIError.validation([.init(
                field: grantPath + (secret.isEmpty ? ".clientId" : ".clientSecret"),
                message: "an end-user token cannot change a stored client credential; leave it out with credentialId")])
        }
        let row = try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT id, organisation_id, name, type, public_data::text AS public_data, sealed_secrets FROM credentials
                WHERE id = \(credentialID) AND organisation_id = \(organisationID)
                """).rows.first
        }
        guard let row else {
            throw APIError(.credentialNotFound, "credential not found", fields: [.init(
                field: grantPath + ".credentialId", message: "no credential with this id in the organisation")])
        }
        guard try row.string("type") == CredentialType.oauth2Client.rawValue,
              case .object(var data) = try JSONValue.parse(Array(try row.string("public_data").utf8))
        else {
            throw APIError.validation([.init(field: grantPath + ".credentialId", message: "must name an oauth2-client credential")])
        }
        for (name, value) in try vault.open(row) { data[name] = value }
        if !clientID.isEmpty { data["clientId"] = .string(clientID) }
        if !secret.isEmpty { data["clientSecret"] = .string(secret) }
        let keyMaterial = context.keyMaterial
        let name = try row.string("name")
        let validated = try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(name: name, type: .oauth2Client, data: .object(data), at: grantPath, keyMaterial: keyMaterial)
        }
        return try seal(validated, id: credentialID, organisationID: organisationID, vault: vault)
    }

    private static func seal(
        _ credential: ValidatedCredential, id: String, organisationID: String, vault: CredentialVault
    ) throws -> NewCredential {
        NewCredential(
            summary: StoredCredentialSummary(
                id: id, name: credential.name, type: credential.type.rawValue, publicData: credential.publicData,
                errors: credential.errors),
            sealed: try vault.seal(credential.secretData, organisationID: organisationID, credentialID: id))
    }
}
