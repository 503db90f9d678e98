import Postgres

/// What every activation reads first, in one statement: the integration of the organisation, the end user the
/// body names in the integration's hub, and the integration's templates.
struct ActivationSubject: Sendable {
    var integration: IntegrationRecord
    var resolution: EndUserResolution
    /// In id order.
    var templates: [TemplateRecord]

    private static let selectAndJoinEndUser = SQL(unsafe: """
        SELECT \(IntegrationRecord.aliasedColumns), \(EndUserResolution.columns), \(TemplateRecord.columns)
        FROM integrations i
        JOIN hubs h ON h.id = i.hub_id
        LEFT JOIN end_users u ON u.hub_id = h.id AND
        """)
    private static let joinTemplates = SQL(unsafe: """
        LEFT JOIN connection_templates t ON t.integration_id = i.id
        LEFT \(TemplateRecord.connectorJoin)
        """)

    /// nil when the organisation has no integration `integrationID`.
    static func read(
        integrationID: String, organisationID: String, endUser lookup: EndUserLookup, on database: some StatementRunning
    ) async throws -> ActivationSubject? {
        let sql = SQL.joining([
            selectAndJoinEndUser, lookup.condition, joinTemplates,
            "WHERE i.id = \(integrationID) AND i.organisation_id = \(organisationID)",
        ])
        let rows = try await database.query(sql).rows
        guard let first = rows.first else { return nil }
        var templates: [TemplateRecord] = []
        for row in rows where try row.optionalString("id") != nil { templates.append(try TemplateRecord(row: row)) }
        templates.sort { $0.id < $1.id }
        return ActivationSubject(
            integration: try IntegrationRecord(row: first, columns: .integration),
            resolution: try EndUserResolution.decode(first, lookup: lookup), templates: templates)
    }
}
