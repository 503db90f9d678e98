import Domain
import JSON
import Postgres

/// Writes a new connection — its new credentials, its bindings, optionally the new end user it belongs to
/// (CreateEndUser) and the answer for the `Idempotency-Key` this request claimed — in ONE statement. A statement is atomic: if any row
/// fails (a unique name, a foreign key to a row deleted meanwhile) nothing is written. Rows travel as two json
/// arrays so the statement text is fixed (prepared once) whatever the number of credentials.
enum ConnectionInsert {
    static func run(
        _ new: NewConnection, endUser: NewEndUser?, idempotency: IdempotencyRecord?, on database: PGConnection
    ) async throws {
        let connection = new.connection
        let createdAt = connection.createdAt.rfc3339
        let headers = JSONValue.object(JSONObject((idempotency?.headers ?? []).map { ($0.name, .string($0.value)) }))
        _ = try await database.query("""
            WITH new_end_user AS (
                INSERT INTO end_users (id, organisation_id, hub_id, external_id, display_name, created_at, updated_at)
                SELECT \(endUser?.id), \(new.organisationID), \(endUser?.hubID), \(endUser?.externalID),
                       \(endUser?.displayName), \(createdAt)::timestamptz, \(createdAt)::timestamptz
                WHERE \(endUser?.id)::text IS NOT NULL
            ), new_connection AS (
                INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name, variables,
                                         created_at, updated_at)
                VALUES (\(connection.id), \(new.organisationID), \(new.endUserID),
                        \(new.connectorID), \(connection.name), \(connection.variables.jsonText)::json,
                        \(createdAt)::timestamptz, \(createdAt)::timestamptz)
            ), new_credentials AS (
                INSERT INTO credentials (id, organisation_id, name, type, public_data, sealed_secrets, key_version,
                                         errors, created_at, updated_at)
                SELECT c.id, \(new.organisationID), c.name, c.type, c.public_data,
                       decode(c.sealed_secrets, 'hex'), c.key_version, c.errors,
                       \(createdAt)::timestamptz, \(createdAt)::timestamptz
                FROM json_to_recordset(\(credentialRows(new.newCredentials).jsonText)::json) AS c (
                    id text, name text, type text, public_data json, sealed_secrets text, key_version text,
                    errors jsonb)
            ), new_bindings AS (
                INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position,
                                                    auth_scheme_config, validation_messages)
                SELECT b.id, \(connection.id), b.credential_id, b.usage, b.position, b.auth_scheme_config,
                       b.validation_messages
                FROM json_to_recordset(\(bindingRows(connection).jsonText)::json) AS b (
                    id text, credential_id text, usage text, position integer, auth_scheme_config json,
                    validation_messages json)
            ), idempotency_answer AS (
                UPDATE idempotency_keys
                SET status = \(idempotency?.status)::integer, headers = \(headers.jsonText)::jsonb,
                    body = \(idempotency?.body)::bytea
                WHERE organisation_id = \(new.organisationID) AND scope = \(idempotency?.scope)
                  AND key = \(idempotency?.key) AND status = 0
            )
            SELECT 1 AS written
            """)
    }

    /// The new credentials (sealed secrets in hex): no plaintext secret ever reaches the database.
    private static func credentialRows(_ credentials: [NewCredential]) -> JSONValue {
        .array(credentials.map { credential in
            [
                "id": .string(credential.summary.id), "name": .string(credential.summary.name),
                "type": .string(credential.summary.type), "public_data": .object(credential.summary.publicData),
                "sealed_secrets": .string(Hex.encode(credential.sealed.bytes)),
                "key_version": .string(credential.sealed.keyVersion), "errors": .strings(credential.summary.errors),
            ]
        })
    }

    private static func bindingRows(_ connection: StoredConnection) -> JSONValue {
        .array(connection.bindings.map { binding in
            [
                "id": .string(binding.id), "credential_id": .string(binding.credential.id),
                "usage": .string(binding.usage.rawValue), "position": .number(Double(binding.position)),
                "auth_scheme_config": .object(binding.authSchemeConfig),
                "validation_messages": binding.validationMessages,
            ]
        })
    }
}
