import Domain
import JSON
import Postgres

/// A connection as stored, with its bindings in list order. Secrets are not here: credentials carry only
/// `public_data`, whose secret fields are `""`.
struct StoredConnection: Sendable {
    var id: String
    var name: String
    var variables: JSONValue
    var createdAt: Timestamp
    var updatedAt: Timestamp
    var bindings: [StoredBinding]
}

/// Which list a binding is in.
enum BindingUsage: String, Sendable, CaseIterable {
    case action, trigger
}

struct StoredBinding: Sendable {
    var id: String
    var usage: BindingUsage
    var position: Int
    var authSchemeConfig: JSONObject
    var validationMessages: JSONValue
    var credential: StoredCredentialSummary
}

extension StoredConnection {
    /// The connection whose row satisfies `condition` (on `connections c`), with its bindings, in one round
    /// trip; nil when there is none.
    static func load(where condition: SQL, on connection: PGConnection) async throws -> StoredConnection? {
        let sql = SQL("""
            SELECT c.id, c.name, c.variables, c.created_at, c.updated_at,
                   b.id AS binding_id, b.usage, b.position, b.auth_scheme_config, b.validation_messages,
                   cr.id AS credential_id, cr.name AS credential_name, cr.type AS credential_type,
                   cr.public_data, cr.errors
            FROM connections c
            LEFT JOIN connection_credentials b ON b.connection_id = c.id
            LEFT JOIN credentials cr ON cr.id = b.credential_id
            WHERE
            """).appending(condition)
        let rows = try await connection.query(sql).rows
        guard let first = rows.first else { return nil }
        var bindings: [StoredBinding] = []
        for row in rows where try row.optionalString("binding_id") != nil {
            guard let usage = BindingUsage(rawValue: try row.string("usage")) else {
                throw DatabaseError(kind: .protocolViolation, column: "usage")
            }
            bindings.append(StoredBinding(
                id: try row.string("binding_id"), usage: usage, position: try row.int("position"),
                authSchemeConfig: try row.jsonObject("auth_scheme_config"),
                validationMessages: try row.json("validation_messages"),
                credential: StoredCredentialSummary(
                    id: try row.string("credential_id"), name: try row.string("credential_name"),
                    type: try row.string("credential_type"), publicData: try row.jsonObject("public_data"),
                    errors: try row.stringArray("errors"))))
        }
        bindings.sort { ($0.usage.rawValue, $0.position) < ($1.usage.rawValue, $1.position) }
        return StoredConnection(
            id: try first.string("id"), name: try first.string("name"), variables: try first.json("variables"),
            createdAt: try first.instant("created_at"), updatedAt: try first.instant("updated_at"),
            bindings: bindings)
    }

    /// The end user's connection with this id.
    static func load(id: String, endUserID: String, on connection: PGConnection) async throws -> StoredConnection? {
        try await load(where: "c.id = \(id) AND c.end_user_id = \(endUserID)", on: connection)
    }

    /// The end user's first connection to the hub's primary connector (EndUser.primaryConnection).
    static func loadPrimary(endUserID: String, connectorID: String, on connection: PGConnection) async throws -> StoredConnection? {
        try await load(where: """
            c.id = (SELECT id FROM connections WHERE end_user_id = \(endUserID) AND connector_id = \(connectorID)
                    ORDER BY id LIMIT 1)
            """, on: connection)
    }
}
