import Domain
import JSON
import Locking
import Postgres

/// An integration as activations and the Embed operations read it (they never write one).
struct EmbeddedIntegrationRecord: Sendable {
    var id: String
    var hubID: String
    var name: String
    var description: String
    var imageURL: String?
    /// nil: no schema, any object is accepted as variables.
    var variablesSchema: JSONValue?
    var isDeployed: Bool

    /// The columns `init(row:)` reads, from `integrations i`, aliased apart from other tables'.
    static let columns = """
        i.id AS integration_id, i.hub_id AS integration_hub_id, i.name AS integration_name,
        i.description AS integration_description, i.image_url AS integration_image_url,
        i.variables_schema AS integration_variables_schema, i.is_deployed AS integration_is_deployed
        """

    init(row: Row) throws {
        id = try row.string("integration_id")
        hubID = try row.string("integration_hub_id")
        name = try row.string("integration_name")
        description = try row.string("integration_description")
        imageURL = try row.optionalString("integration_image_url")
        // SQL NULL or JSON null: no schema.
        if try row.optionalString("integration_variables_schema") != nil,
           case let schema = try row.json("integration_variables_schema"), !schema.isNull {
            variablesSchema = schema
        } else {
            variablesSchema = Optional.none
        }
        isDeployed = try row.bool("integration_is_deployed")
    }

    /// The integration `id` of the organisation, or nil.
    static func find(id: String, organisationID: String, on database: some StatementRunning) async throws -> EmbeddedIntegrationRecord? {
        let rows = try await database.query(SQL.joining([
            SQL(unsafe: "SELECT \(columns) FROM integrations i"),
            "WHERE i.id = \(id) AND i.organisation_id = \(organisationID)",
        ])).rows
        return try rows.first.map(EmbeddedIntegrationRecord.init(row:))
    }

    /// The schema its variables are checked against; nil when it has none. A stored schema compiled when it was
    /// stored, so one that no longer does is a broken invariant, not the client's error.
    func compiledSchema() throws -> JSONSchema? {
        guard let variablesSchema else { return nil }
        if let known = Self.compiled.withLock({ $0[id] }), known.source == variablesSchema { return known.schema }
        let schema: JSONSchema
        do {
            schema = try JSONSchema(compiling: variablesSchema, at: "variablesSchema")
        } catch {
            throw InvariantViolation("the stored variablesSchema of an integration does not compile")
        }
        Self.compiled.withLock { compiled in
            if compiled.count >= Self.compiledCapacity { compiled.removeAll(keepingCapacity: true) }
            compiled[id] = (variablesSchema, schema)
        }
        return schema
    }

    /// Each integration's schema as last compiled, with the source it was compiled from: every activation and
    /// variables update checks against it, and comparing the stored source is cheaper than compiling it again.
    /// Bounded: when full it starts afresh.
    private static let compiled = Locked<[String: (source: JSONValue, schema: JSONSchema)]>([:])
    private static let compiledCapacity = 1024
}

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
