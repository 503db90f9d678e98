import Domain
import JSON
import Postgres

/// An activation as stored, with its integration, its end user and the connection bound to each template.
struct ActivationRecord: Sendable {
    struct Link: Sendable, Equatable {
        var templateID: String
        var connectionID: String
    }

    var id: String
    var hubID: String
    var integration: IntegrationRecord
    var endUser: EndUserRecord
    /// The end user's `primaryConnection`, which every `EndUser` answer carries.
    var primaryConnection: StoredConnection?
    var dynamicVariables: JSONObject
    var connections: [Link]
    var createdAt: Timestamp
    var updatedAt: Timestamp

    /// `activations a` joined to its integration `i` and end user `u`, with its links aggregated; the caller
    /// adds the condition after `WHERE`.
    private static let select = """
        SELECT a.id, a.hub_id, a.dynamic_variables, a.created_at, a.updated_at, \(IntegrationRecord.aliasedColumns),
               \(EndUserResolution.userColumns),
               (SELECT coalesce(json_agg(json_build_object('templateId', l.template_id, 'connectionId', l.connection_id)
                                         ORDER BY l.template_id), '[]'::json)
                FROM activation_connections l WHERE l.activation_id = a.id) AS connections
        FROM activations a
        JOIN integrations i ON i.id = a.integration_id
        JOIN end_users u ON u.id = a.end_user_id
        WHERE
        """

    /// The activation `id` of the organisation, or nil.
    static func find(id: String, organisationID: String, on database: some StatementRunning) async throws -> ActivationRecord? {
        try await first(where: "a.id = \(id) AND a.organisation_id = \(organisationID)", on: database)
    }

    /// The end user's activation of the integration, or nil.
    static func find(integrationID: String, endUserID: String, on database: some StatementRunning) async throws -> ActivationRecord? {
        try await first(where: "a.integration_id = \(integrationID) AND a.end_user_id = \(endUserID)", on: database)
    }

    private static func first(where condition: SQL, on database: some StatementRunning) async throws -> ActivationRecord? {
        let rows = try await database.query(SQL.joining([SQL(unsafe: select), condition])).rows
        guard var activation = try rows.first.map(ActivationRecord.init(row:)) else { return nil }
        activation.primaryConnection = try await primaryConnection(of: activation.endUser.id, on: database)
        return activation
    }

    /// The end user's first connection to its hub's primary connector (as `EndUserResolution.primaryConnection`).
    static func primaryConnection(of endUserID: String, on database: some StatementRunning) async throws -> StoredConnection? {
        let select = SQL(unsafe: "SELECT \(StoredConnection.columns) FROM connections c \(StoredConnection.bindingJoins) WHERE c.id =")
        return try StoredConnection.decode(try await database.query(SQL.joining([select, primaryConnectionID(of: endUserID)])).rows)
    }

    /// The id of the end user's first connection to its hub's primary connector, as a scalar subquery.
    static func primaryConnectionID(of endUserID: String) -> SQL {
        """
        (SELECT p.id FROM connections p JOIN end_users u ON u.id = p.end_user_id JOIN hubs h ON h.id = u.hub_id
         WHERE p.end_user_id = \(endUserID) AND p.connector_id = h.primary_connector_id ORDER BY p.id LIMIT 1)
        """
    }
}

extension ActivationRecord {
    init(row: Row) throws {
        id = try row.string("id")
        hubID = try row.string("hub_id")
        integration = try IntegrationRecord(row: row, columns: .integration)
        endUser = try EndUserRecord(row: row, columns: .user)
        primaryConnection = nil
        dynamicVariables = try row.jsonObject("dynamic_variables")
        connections = try row.jsonArray("connections").map { item in
            guard let template = item.objectValue?["templateId"]?.stringValue,
                  let connection = item.objectValue?["connectionId"]?.stringValue else {
                throw InvariantViolation("column connections lacks templateId or connectionId")
            }
            return Link(templateID: template, connectionID: connection)
        }
        createdAt = try row.instant("created_at")
        updatedAt = try row.instant("updated_at")
    }
}

/// The writes of activations: each runs on the caller's connection, inside its transaction where it has one.
enum ActivationStore {
    /// The activation row (its links come after the connections they name exist), written only while the
    /// integration is deployed: false when it no longer is.
    static func insert(
        id: String, organisationID: String, integration: IntegrationRecord, endUserID: String,
        variables: JSONObject, at now: Timestamp, on database: PGConnection
    ) async throws -> Bool {
        let created = now.rfc3339
        return try await database.query("""
            INSERT INTO activations (id, organisation_id, hub_id, integration_id, end_user_id, dynamic_variables,
                                     created_at, updated_at)
            SELECT \(id), \(organisationID), \(integration.hubID), \(integration.id), \(endUserID),
                   \(JSONValue.object(variables).jsonText)::json, \(created)::timestamptz, \(created)::timestamptz
            WHERE EXISTS (SELECT 1 FROM integrations WHERE id = \(integration.id) AND is_deployed)
            """).affectedRows == 1
    }

    static func link(
        _ links: [ActivationRecord.Link], activationID: String, organisationID: String, on database: PGConnection
    ) async throws {
        let rows = JSONValue.array(links.map { ["template_id": .string($0.templateID), "connection_id": .string($0.connectionID)] })
        _ = try await database.query("""
            INSERT INTO activation_connections (activation_id, template_id, connection_id, organisation_id)
            SELECT \(activationID), l.template_id, l.connection_id, \(organisationID)
            FROM json_to_recordset(\(rows.jsonText)::json) AS l (template_id text, connection_id text)
            """)
    }

    /// Replaces the variables; the new `updated_at`, or nil when the activation is gone.
    static func replaceVariables(
        activationID: String, variables: JSONObject, on database: some StatementRunning
    ) async throws -> Timestamp? {
        let rows = try await database.query("""
            UPDATE activations SET dynamic_variables = \(JSONValue.object(variables).jsonText)::json, updated_at = now()
            WHERE id = \(activationID) RETURNING updated_at
            """).rows
        return try rows.first.map { try $0.instant("updated_at") }
    }

    /// Deletes the activation and its links, never its connections; false when there was none.
    static func delete(activationID: String, on database: some StatementRunning) async throws -> Bool {
        try await database.query("DELETE FROM activations WHERE id = \(activationID)").affectedRows == 1
    }
}
