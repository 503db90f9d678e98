import Domain
import JSON
import Postgres

/// Connection templates of an integration and the metadata that marks which of them the integration uses.
struct ConnectionTemplateStore: Sendable {
    let database: DatabasePool

    /// Adds a template to the integration. Throws 404 `integrationNotFound` or `connectorNotFound`.
    func insert(integrationID: String, organisationID: String, template: HubConnectionTemplateCreate) async throws
        -> ConnectionTemplateRecord
    {
        try await database.withTransaction { connection in
            // KEY SHARE: a concurrent deletion of the integration waits for this template rather than racing it.
            let integration = try await connection.query("""
                SELECT id FROM integrations WHERE id = \(integrationID) AND organisation_id = \(organisationID) FOR KEY SHARE
                """).rows
            guard !integration.isEmpty else { throw APIError.notFound(.integrationNotFound, "integration") }
            let id = try await Self.insert(connection, integrationID: integrationID, organisationID: organisationID, template: template)
            guard let created = try await Self.find(connection, id: id, organisationID: organisationID) else {
                throw InvariantViolation("a connection template inserted in this transaction is not found")
            }
            return created
        }
    }

    /// One page of the integration's templates; nil when the integration is not in the organisation.
    func list(integrationID: String, organisationID: String, page: PageRequest) async throws -> Page<ConnectionTemplateRecord>? {
        try await KeysetPage.scopedPage(
            database, columns: SQL(unsafe: ConnectionTemplateRecord.columns),
            filter: "FROM connection_templates t JOIN connectors c ON c.id = t.connector_id WHERE t.integration_id = i.id",
            scope: KeysetPage.Scope(
                columns: "i.id AS scope_integration_id", from: "integrations i JOIN hubs h ON h.id = i.hub_id",
                condition: "i.id = \(integrationID) AND i.organisation_id = \(organisationID)"),
            page: page, decode: ConnectionTemplateRecord.init(row:), id: \.id)
    }

    /// Marks exactly `used` as the integration's used templates and records that its metadata is set. Throws 404
    /// `integrationNotFound`, or 400 `templateNotOfIntegration` naming each entry that is not one of its templates
    /// (then nothing changes).
    func setMetadata(integrationID: String, organisationID: String, used: [String]) async throws {
        try await database.withTransaction { connection in
            // The integration's row lock orders this against template creation (KEY SHARE) and other metadata.
            let integration = try await connection.query("""
                SELECT id FROM integrations WHERE id = \(integrationID) AND organisation_id = \(organisationID) FOR UPDATE
                """).rows
            guard !integration.isEmpty else { throw APIError.notFound(.integrationNotFound, "integration") }
            let templates = try await connection.query("""
                SELECT id FROM connection_templates WHERE integration_id = \(integrationID)
                """).rows.map { try $0.string("id") }
            let strays = IntegrationRules.templatesNotOf(templates: Set(templates), requested: used)
            guard strays.isEmpty else {
                throw APIError(.templateNotOfIntegration, "usedConnectionTemplates names templates this integration does not have", fields: strays)
            }
            let usedList = JSONValue.strings(used).jsonText
            _ = try await connection.query("""
                UPDATE connection_templates SET is_used = id IN (SELECT json_array_elements_text(\(usedList)::json))
                WHERE integration_id = \(integrationID)
                """)
            _ = try await connection.query("""
                UPDATE integrations SET metadata_set_at = now() WHERE id = \(integrationID)
                """)
        }
    }

    /// Inserts a template of an integration known to be the organisation's; returns its id. Throws 404
    /// `connectorNotFound` when the connector is not the organisation's.
    static func insert(
        _ connection: PGConnection, integrationID: String, organisationID: String, template: HubConnectionTemplateCreate
    ) async throws -> String {
        let id = ULID.generate().string
        let config = template.authSchemeConfig.jsonValue().jsonText
        // KEY SHARE: a connector deleted meanwhile is skipped here (404) rather than failing the foreign key.
        let inserted = try await connection.query("""
            INSERT INTO connection_templates (id, organisation_id, integration_id, connector_id, auth_scheme_config)
            SELECT \(id), organisation_id, \(integrationID), id, \(config)::json FROM connectors
            WHERE id = \(template.connectorId.string) AND organisation_id = \(organisationID) FOR KEY SHARE
            """).affectedRows
        guard inserted == 1 else { throw APIError.notFound(.connectorNotFound, "connector") }
        return id
    }

    static func find(_ connection: PGConnection, id: String, organisationID: String) async throws -> ConnectionTemplateRecord? {
        try await connection.query(.around("SELECT \(ConnectionTemplateRecord.columns)", """
             FROM connection_templates t JOIN connectors c ON c.id = t.connector_id
            JOIN integrations i ON i.id = t.integration_id JOIN hubs h ON h.id = i.hub_id
            WHERE t.id = \(id) AND t.organisation_id = \(organisationID)
            """)).rows.first.map(ConnectionTemplateRecord.init(row:))
    }
}
