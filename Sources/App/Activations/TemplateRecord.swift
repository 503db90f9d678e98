import Domain
import JSON
import Postgres

/// A connection template of an integration, with what the Embed operations show of its connector.
struct TemplateRecord: Sendable {
    var id: String
    var connectorID: String
    var authSchemeConfig: JSONObject
    /// Listed in the integration's metadata, or every template while the metadata was never set.
    var isUsed: Bool
    var connectorName: String
    var connectorImageURL: String?
    /// The connector is its hub's primary connector.
    var isPrimary: Bool
    var connectorVariables: [JSONValue]
    var createdAt: String

    /// The columns `init(row:)` reads, from `connection_templates t` with its integration `i`, the integration's
    /// hub `h` and the template's connector `k` (`connectorJoin`).
    static let columns = """
        t.id, t.connector_id, t.auth_scheme_config, (i.metadata_set_at IS NULL OR t.is_used) AS is_used,
        k.name AS connector_name, k.image_url AS connector_image_url,
        k.id = h.primary_connector_id AS is_primary, k.connection_variables, t.created_at
        """
    static let connectorJoin = "JOIN connectors k ON k.id = t.connector_id"

    /// Every template of `integrationID`, in id order.
    static func all(integrationID: String, on database: some StatementRunning) async throws -> [TemplateRecord] {
        try await database.query(SQL.joining([
            SQL(unsafe: """
                SELECT \(columns)
                FROM connection_templates t
                JOIN integrations i ON i.id = t.integration_id
                JOIN hubs h ON h.id = i.hub_id
                \(connectorJoin)
                """),
            "WHERE t.integration_id = \(integrationID) ORDER BY t.id",
        ])).rows.map(TemplateRecord.init(row:))
    }

    /// The template's scheme as Domain knows it; it was validated when stored.
    func scheme() throws -> AuthSchemeConfig {
        do {
            return try AuthSchemeConfig.decode(.object(authSchemeConfig))
        } catch {
            throw InvariantViolation("the stored authSchemeConfig of a connection template does not decode")
        }
    }
}

extension TemplateRecord {
    init(row: Row) throws {
        id = try row.string("id")
        connectorID = try row.string("connector_id")
        authSchemeConfig = try row.jsonObject("auth_scheme_config")
        isUsed = try row.bool("is_used")
        connectorName = try row.string("connector_name")
        connectorImageURL = try row.optionalString("connector_image_url")
        isPrimary = try row.bool("is_primary")
        connectorVariables = try row.jsonArray("connection_variables")
        createdAt = try row.timestamp("created_at")
    }
}
