import Domain
import JSON
import Postgres

/// Writes a new connection — its new credentials, its bindings, optionally the new end user it belongs to
/// (CreateEndUser) and the answer for the `Idempotency-Key` this request claimed — in ONE statement. A statement is atomic: if any row
/// fails (a unique name, a foreign key to a row deleted meanwhile) nothing is written. Rows travel as two json
/// arrays so the statement text is fixed (prepared once) whatever the number of credentials.
enum ConnectionInsert {
    /// Whose connection it is.
    enum Owner: Sendable {
        /// Already read (`CreationTargets`): the end user's id and the connector's.
        case known(endUserID: String, connectorID: String)
        /// Resolved by this very statement from the path and body, so a create that needs nothing else read
        /// first takes one round trip: the rows are written only if the hub, the end user and the connector
        /// exist and the name is free, and the statement answers what it found, for the error if it wrote nothing.
        case resolved(CreationTargets.Query)
    }

    /// What a `.resolved` statement found; nil for `.known`.
    struct Outcome: Sendable {
        var written: Bool
        var targets: CreationTargets?
    }

    @discardableResult
    static func run(
        _ new: NewConnection, owner: Owner, endUser: NewEndUser?, idempotency: IdempotencyRecord?,
        on database: some StatementRunning
    ) async throws -> Outcome {
        let (owners, answer) = ownerParts(owner)
        // The `connection.created` event goes in the same statement, so it commits exactly when the rows do.
        let sql = SQL.joining(
            owners + [insertions(new, endUser: endUser, idempotency: idempotency)]
                + ConnectionEvents.created(new, newEndUser: endUser) + [answer])
        guard let row = try await database.query(sql).rows.first else { throw InvariantViolation("the create statement answered no row") }
        guard case .resolved = owner else { return Outcome(written: true, targets: nil) }
        return Outcome(written: try row.bool("written"), targets: try CreationTargets(row: row))
    }

    /// `WITH [target AS (…),] owner AS (end_user_id, connector_id),` (one row, or none to write nothing) and the
    /// statement's answer row.
    private static func ownerParts(_ owner: Owner) -> ([SQL], answer: SQL) {
        switch owner {
        case .known(let endUserID, let connectorID):
            return (["WITH owner AS (SELECT \(endUserID)::text AS end_user_id, \(connectorID)::text AS connector_id),"],
                    "SELECT true AS written")
        case .resolved(let query):
            // CreationTargets' own lookup, with the columns its init reads empty: no key, no references.
            let target = CreationTargets.lookupParts(
                query, extraColumns: "false AS claimed, '[]'::json AS referenced, NULL::bytea AS request_hash",
                extraJoins: "")
            return ([SQL("WITH target AS (")] + target + [SQL("""
                ), owner AS (
                    SELECT id AS end_user_id, connector_id FROM target
                    WHERE id IS NOT NULL AND connector_id IS NOT NULL AND NOT name_taken
                ),
                """)], "SELECT EXISTS (SELECT 1 FROM owner) AS written, target.* FROM target")
        }
    }

    /// The rows, each INSERT drawing the owner from `owner` (so none is written when it is empty).
    private static func insertions(_ new: NewConnection, endUser: NewEndUser?, idempotency: IdempotencyRecord?) -> SQL {
        let connection = new.connection
        let createdAt = connection.createdAt.rfc3339
        let headers = JSONValue.object(JSONObject((idempotency?.headers ?? []).map { ($0.name, .string($0.value)) }))
        return """
            new_end_user AS (
                INSERT INTO end_users (id, organisation_id, hub_id, external_id, display_name, created_at, updated_at)
                SELECT \(endUser?.id), \(new.organisationID), \(endUser?.hubID), \(endUser?.externalID),
                       \(endUser?.displayName), \(createdAt)::timestamptz, \(createdAt)::timestamptz
                WHERE \(endUser?.id)::text IS NOT NULL
            ), new_connection AS (
                INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name, variables,
                                         created_at, updated_at)
                SELECT \(connection.id), \(new.organisationID), owner.end_user_id, owner.connector_id,
                       \(connection.name), \(connection.variables.jsonText)::json,
                       \(createdAt)::timestamptz, \(createdAt)::timestamptz
                FROM owner
            ), new_credentials AS (
                INSERT INTO credentials (id, organisation_id, name, type, public_data, sealed_secrets, key_version,
                                         errors, created_at, updated_at)
                SELECT c.id, \(new.organisationID), c.name, c.type, c.public_data,
                       decode(c.sealed_secrets, 'hex'), c.key_version, c.errors,
                       \(createdAt)::timestamptz, \(createdAt)::timestamptz
                FROM owner, json_to_recordset(\(credentialRows(new.newCredentials).jsonText)::json) AS c (
                    id text, name text, type text, public_data json, sealed_secrets text, key_version text,
                    errors jsonb)
            ), patched_credentials AS (
                UPDATE credentials cr
                SET public_data = p.public_data, sealed_secrets = decode(p.sealed_secrets, 'hex'),
                    key_version = p.key_version, updated_at = \(createdAt)::timestamptz
                FROM owner, json_to_recordset(\(credentialRows(new.patchedCredentials).jsonText)::json) AS p (
                    id text, public_data json, sealed_secrets text, key_version text)
                WHERE cr.id = p.id AND cr.organisation_id = \(new.organisationID)
            ), new_bindings AS (
                INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position,
                                                    auth_scheme_config, validation_messages)
                SELECT b.id, \(connection.id), b.credential_id, b.usage, b.position, b.auth_scheme_config,
                       b.validation_messages
                FROM owner, json_to_recordset(\(bindingRows(connection).jsonText)::json) AS b (
                    id text, credential_id text, usage text, position integer, auth_scheme_config json,
                    validation_messages json)
            ), idempotency_answer AS (
                UPDATE idempotency_keys
                SET status = \(idempotency?.status)::integer, headers = \(headers.jsonText)::jsonb,
                    body = \(idempotency?.body)::bytea
                WHERE organisation_id = \(new.organisationID) AND scope = \(idempotency?.scope)
                  AND key = \(idempotency?.key) AND status = 0
            )
            """
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
