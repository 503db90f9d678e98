import Cryptography
import Domain
import JSON
import Postgres

/// The callback's work once its state is spent: the code exchanged with the state's client credential (only at
/// that credential's own `tokenUrl`), the tokens stored as a sealed oauth2-token credential, and the end user's
/// connection of the state's name made, or rebound to them, in one transaction.
struct OAuth2CallbackCompletion {
    let context: AppContext

    /// The connection's id.
    func complete(_ pending: OAuth2StateStore.Pending, code: String) async throws -> String {
        let vault = CredentialVault(keyRing: context.keyRing)
        let client = try await OAuth2ClientSecret.read(
            pending.clientCredentialID, organisationID: pending.organisationID, vault: vault, database: context.database)
        let verifier = String(decoding: try context.keyRing.open(
            pending.sealedVerifier,
            associatedData: OAuth2StateStore.associatedData(organisationID: pending.organisationID, stateHash: pending.stateHash)),
            as: UTF8.self)
        let token = try await OAuthCodeExchanger(client: context.outbound).exchange(
            tokenURL: client.tokenURL, code: code, redirectURI: pending.redirectURI, clientID: client.clientID,
            clientSecret: client.clientSecret, requestedScopes: pending.scopes,
            additionalTokenParameters: client.additionalParams, organisationID: pending.organisationID,
            codeVerifier: verifier)
        let keyMaterial = context.keyMaterial
        let validated = try APIError.decoding { () throws(ValidationFailure) in
            try ValidatedCredential.validate(
                name: pending.connectionName + " token", type: .oauth2Token, data: .object(token), keyMaterial: keyMaterial)
        }
        let credentialID = ULID.generate().string
        let sealed = try vault.seal(validated.secretData, organisationID: pending.organisationID, credentialID: credentialID)
        return try await context.database.withTransaction { connection in
            try await OAuth2ConnectionBinding(pending: pending, client: client).store(
                credentialID: credentialID, token: validated, sealed: sealed, on: connection)
        }
    }
}

/// An oauth2-client credential opened for a token request: its own `tokenUrl` is the only place its secret goes.
struct OAuth2ClientSecret: Sendable {
    var clientID: String
    var clientSecret: String
    var tokenURL: String
    var additionalParams: String?
    /// The scopes a client_credentials token is requested with.
    var scopes: [String] = []

    static func read(
        _ credentialID: String, organisationID: String, vault: CredentialVault, database: DatabasePool
    ) async throws -> OAuth2ClientSecret {
        let row = try await database.withConnection { connection in
            try await connection.query("""
                SELECT id, organisation_id, type, public_data::text AS public_data, sealed_secrets FROM credentials
                WHERE id = \(credentialID) AND organisation_id = \(organisationID)
                """).rows.first
        }
        guard let row, try row.string("type") == CredentialType.oauth2Client.rawValue,
              case .object(let publicData) = try JSONValue.parse(Array(try row.string("public_data").utf8)),
              let clientID = publicData["clientId"]?.stringValue, let tokenURL = publicData["tokenUrl"]?.stringValue
        else {
            throw APIError(.credentialNotFound, "the client credential of this authorization no longer exists")
        }
        let secrets = try vault.open(row)
        var scopes: [String] = []
        if case .array(let items)? = publicData["scopes"] { scopes = items.compactMap(\.stringValue) }
        return OAuth2ClientSecret(
            clientID: clientID, clientSecret: secrets["clientSecret"]?.stringValue ?? "", tokenURL: tokenURL,
            additionalParams: publicData["additionalParams"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            scopes: scopes)
    }
}
