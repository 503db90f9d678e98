import Domain
import JSON
import Postgres

/// Integrations of one organisation; every statement is filtered by organisation_id.
struct IntegrationStore: Sendable {
    enum DeleteOutcome: Sendable { case deleted, notFound, deployed }

    let database: DatabasePool

    /// Makes the integration, with a new `boardId`, and its first connection template when `create` has one, in
    /// one transaction. `create.variablesSchema` compiled before it gets here and is stored as the client wrote it.
    /// Throws 404 `hubNotFound` or `connectorNotFound`; nothing is written then.
    func insert(organisationID: String, hubID: String, create: IntegrationCreate) async throws -> IntegrationRecord {
        let (id, boardID) = (ULID.generate().string, ULID.generate().string)
        let schema = create.variablesSchema?.jsonText
        return try await database.withTransaction { connection in
            let inserted = try await connection.query("""
                INSERT INTO integrations (id, organisation_id, hub_id, board_id, name, description, summary, image_url,
                                          screenshot_url, variables_schema)
                SELECT \(id), organisation_id, id, \(boardID), \(create.name), \(create.description), \(create.summary),
                       \(create.imageUrl), \(create.screenshotUrl), \(schema)::json
                FROM hubs WHERE id = \(hubID) AND organisation_id = \(organisationID)
                """).affectedRows
            guard inserted == 1 else { throw APIError.notFound(.hubNotFound, "hub") }
            if let template = create.connectionTemplate {
                _ = try await ConnectionTemplateStore.insert(
                    connection, integrationID: id, organisationID: organisationID, template: template)
            }
            guard let created = try await Self.find(connection, id: id, organisationID: organisationID) else {
                throw InvariantViolation("an integration inserted in this transaction is not found")
            }
            return created
        }
    }

    /// One page of the hub's integrations whose name contains `search` (ignoring case; "" matches all). nil when
    /// the hub is not in the organisation.
    func list(organisationID: String, hubID: String, search: String, page: PageRequest) async throws -> Page<IntegrationRecord>? {
        try await KeysetPage.scopedPage(
            database, columns: SQL(unsafe: IntegrationRecord.columns),
            // strpos, not LIKE: the search is a literal substring, so `%` and `_` in it match themselves.
            filter: """
                FROM integrations t WHERE t.hub_id = h.id
                AND (\(search) = '' OR strpos(lower(t.name), lower(\(search))) > 0)
                """,
            scope: KeysetPage.Scope(
                columns: "h.id AS scope_hub_id", from: "hubs h",
                condition: "h.id = \(hubID) AND h.organisation_id = \(organisationID)"),
            page: page, decode: { try IntegrationRecord(row: $0) }, id: \.id)
    }

    func find(id: String, organisationID: String) async throws -> IntegrationRecord? {
        try await database.withConnection { connection in try await Self.find(connection, id: id, organisationID: organisationID) }
    }

    /// Applies what `update` gives; nil when the integration is not in the organisation.
    func update(id: String, organisationID: String, update: IntegrationUpdate) async throws -> IntegrationRecord? {
        let replacesSchema = update.variablesSchema != .unchanged
        let schema: String? = if case .replaced(let value) = update.variablesSchema { value.jsonText } else { nil }
        return try await database.withConnection { connection in
            try await connection.query(.around("", """
                UPDATE integrations t SET name = coalesce(\(update.name), t.name),
                    description = coalesce(\(update.description), t.description),
                    summary = coalesce(\(update.summary), t.summary),
                    image_url = coalesce(\(update.imageUrl), t.image_url),
                    screenshot_url = coalesce(\(update.screenshotUrl), t.screenshot_url),
                    variables_schema = CASE WHEN \(replacesSchema)::boolean THEN \(schema)::json ELSE t.variables_schema END,
                    is_deployed = coalesce(\(update.isDeployed)::boolean, t.is_deployed), updated_at = now()
                WHERE t.id = \(id) AND t.organisation_id = \(organisationID)
                RETURNING
                """, " " + IntegrationRecord.columns)).rows.first.map({ try IntegrationRecord(row: $0) })
        }
    }

    /// Deletes an undeployed integration; its templates and activations go with it (foreign-key cascades), the
    /// end users' connections stay. The row lock makes a concurrent deployment wait or win.
    func delete(id: String, organisationID: String) async throws -> DeleteOutcome {
        try await database.withTransaction { connection in
            let row = try await connection.query("""
                SELECT is_deployed FROM integrations WHERE id = \(id) AND organisation_id = \(organisationID) FOR UPDATE
                """).rows.first
            guard let row else { return .notFound }
            if try row.bool("is_deployed") { return .deployed }
            try await ActivationEvents.appendDeleted(
                where: "a.integration_id = \(id)", organisationID: organisationID, on: connection)
            _ = try await connection.query("DELETE FROM integrations WHERE id = \(id) AND organisation_id = \(organisationID)")
            return .deleted
        }
    }

    static func find(_ connection: PGConnection, id: String, organisationID: String) async throws -> IntegrationRecord? {
        try await connection.query(.around("SELECT \(IntegrationRecord.columns) FROM integrations t", """
             WHERE t.id = \(id) AND t.organisation_id = \(organisationID)
            """)).rows.first.map({ try IntegrationRecord(row: $0) })
    }
}
