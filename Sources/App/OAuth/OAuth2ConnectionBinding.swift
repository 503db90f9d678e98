import Cryptography
import Domain
import JSON
import Postgres

/// Writes a callback's new oauth2-token credential and binds it: to the end user's connection of the state's name
/// (its oauth2 authorization_code bindings now use the new token; an old token nothing else binds is deleted), or
/// to a new connection of that name. Runs inside the callback's transaction, with its events (`connection.created`
/// for a new connection, `oauth2.connection_completed` either way).
struct OAuth2ConnectionBinding {
    var pending: OAuth2StateStore.Pending
    var client: OAuth2ClientSecret

    func store(
        credentialID: String, token: ValidatedCredential, sealed: SealedSecrets, on connection: PGConnection
    ) async throws -> String {
        let now = Timestamp.now().rfc3339
        let scheme = try await schemeConfig(on: connection)
        _ = try await connection.query("""
            INSERT INTO credentials (id, organisation_id, name, type, public_data, sealed_secrets, key_version, errors,
                                     created_at, updated_at)
            VALUES (\(credentialID), \(pending.organisationID), \(token.name), \(token.type.rawValue),
                    \(JSONValue.object(token.publicData).jsonText)::json, decode(\(Hex.encode(sealed.bytes)), 'hex'),
                    \(sealed.keyVersion), '[]'::jsonb, \(now)::timestamptz, \(now)::timestamptz)
            """)
        let existing = try await connection.query("""
            SELECT id FROM connections
            WHERE end_user_id = \(pending.endUserID) AND connector_id = \(pending.connectorID) AND name = \(pending.connectionName)
            FOR UPDATE
            """).rows.first.map { try $0.string("id") }
        guard let connectionID = existing else {
            let connectionID = ULID.generate().string
            _ = try await connection.query("""
                INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name, variables, created_at, updated_at)
                VALUES (\(connectionID), \(pending.organisationID), \(pending.endUserID), \(pending.connectorID),
                        \(pending.connectionName), '[]'::json, \(now)::timestamptz, \(now)::timestamptz)
                """)
            try await bind(credentialID, scheme: scheme, to: connectionID, on: connection)
            try await report(.connectionCreated, connectionID, on: connection)
            try await report(.oauth2ConnectionCompleted, connectionID, on: connection)
            return connectionID
        }
        let replaced = try await connection.query("""
            WITH old AS (
                SELECT id, credential_id FROM connection_credentials
                WHERE connection_id = \(connectionID) AND auth_scheme_config->>'schemeType' = 'oauth2'
                  AND auth_scheme_config->'grant'->>'grantType' = 'authorization_code'
                FOR UPDATE
            )
            UPDATE connection_credentials b
            SET credential_id = \(credentialID), auth_scheme_config = \(scheme.jsonText)::json, validation_messages = '[]'::json
            FROM old WHERE b.id = old.id
            RETURNING old.credential_id
            """).rows.map { try $0.string("credential_id") }
        if replaced.isEmpty { try await bind(credentialID, scheme: scheme, to: connectionID, on: connection) }
        _ = try await connection.query("UPDATE connections SET updated_at = \(now)::timestamptz WHERE id = \(connectionID)")
        try await CredentialCleanup.deleteUnbound(replaced, on: connection)
        try await report(.oauth2ConnectionCompleted, connectionID, on: connection)
        return connectionID
    }

    /// The change's event, in the callback's transaction.
    private func report(_ type: WebhookEventType, _ connectionID: String, on connection: PGConnection) async throws {
        try await ConnectionEvents.append(
            type, connectionID: connectionID, endUserID: pending.endUserID, organisationID: pending.organisationID, on: connection)
    }

    /// A new action binding after the connection's others.
    private func bind(_ credentialID: String, scheme: JSONValue, to connectionID: String, on connection: PGConnection) async throws {
        _ = try await connection.query("""
            INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position, auth_scheme_config,
                                                validation_messages)
            SELECT \(ULID.generate().string), \(connectionID), \(credentialID), 'action',
                   coalesce(max(position) + 1, 0), \(scheme.jsonText)::json, '[]'::json
            FROM connection_credentials WHERE connection_id = \(connectionID) AND usage = 'action'
            """)
    }

    /// The connector's oauth2 authorization_code scheme (the one designating this client first), its grant naming
    /// the client credential so a refresh finds it; a plain one when the connector has none.
    private func schemeConfig(on connection: PGConnection) async throws -> JSONValue {
        let grant: JSONValue = [
            "grantType": "authorization_code", "credentialId": .string(pending.clientCredentialID),
            "organisationId": .string(pending.organisationID), "clientId": .string(client.clientID),
        ]
        let row = try await connection.query("""
            SELECT t.s::text AS scheme
            FROM connectors k, jsonb_array_elements(k.auth_scheme_configs) WITH ORDINALITY AS t(s, n)
            WHERE k.id = \(pending.connectorID) AND t.s->>'schemeType' = 'oauth2'
              AND t.s->'grant'->>'grantType' = 'authorization_code'
            ORDER BY (t.s->'grant'->>'credentialId' IS NOT DISTINCT FROM \(pending.clientCredentialID)) DESC, t.n
            LIMIT 1
            """).rows.first
        if let row, case .object(var scheme) = try JSONValue.parse(Array(try row.string("scheme").utf8)) {
            scheme["grant"] = grant
            return .object(scheme)
        }
        return [
            "id": "oauth2", "description": "OAuth 2.0", "schemeType": "oauth2", "authorizeUrl": "",
            "tokenUrl": .string(client.tokenURL), "scopes": [], "defaultScopes": .strings(pending.scopes), "grant": grant,
        ]
    }
}
