import Domain
import JSON
import Postgres

/// An integration as stored.
struct IntegrationRecord: Sendable {
    var id: String
    var organisationID: String
    var hubID: String
    var boardID: String
    var name: String
    var description: String
    var summary: String
    /// nil: none was given; answered as the server's placeholder image.
    var imageURL: String?
    var screenshotURL: String?
    /// nil: no schema; any object is accepted as variables.
    var variablesSchema: JSONValue?
    var isDeployed: Bool
    var createdAt: String
    var updatedAt: String

    /// The column names an integration is read from, all after one prefix (`integration_id` beside another
    /// table's `id`); made once, not per row.
    struct Columns: Sendable {
        static let names = [
            "id", "organisation_id", "hub_id", "board_id", "name", "description", "summary", "image_url",
            "screenshot_url", "variables_schema", "is_deployed", "created_at", "updated_at",
        ]
        let prefix: String
        let id, organisationID, hubID, boardID, name, description, summary, imageURL, screenshotURL: String
        let variablesSchema, isDeployed, createdAt, updatedAt: String

        init(prefix: String) {
            self.prefix = prefix
            (id, organisationID, hubID, boardID) = (prefix + "id", prefix + "organisation_id", prefix + "hub_id", prefix + "board_id")
            (name, description, summary) = (prefix + "name", prefix + "description", prefix + "summary")
            (imageURL, screenshotURL, variablesSchema) = (prefix + "image_url", prefix + "screenshot_url", prefix + "variables_schema")
            (isDeployed, createdAt, updatedAt) = (prefix + "is_deployed", prefix + "created_at", prefix + "updated_at")
        }

        /// The select list that reads these from `integrations` under `alias`.
        func select(from alias: String) -> String {
            Self.names.map { prefix.isEmpty ? "\(alias).\($0)" : "\(alias).\($0) AS \(prefix)\($0)" }
                .joined(separator: ", ")
        }

        static let plain = Columns(prefix: "")
        /// Beside an activation's or an end user's columns.
        static let integration = Columns(prefix: "integration_")
    }

    /// The columns of `integrations t`, under their own names.
    static let columns = Columns.plain.select(from: "t")
    /// The columns of `integrations i`, as `Columns.integration` names them.
    static let aliasedColumns = Columns.integration.select(from: "i")

    init(row: Row, columns: Columns = .plain) throws {
        id = try row.string(columns.id)
        organisationID = try row.string(columns.organisationID)
        hubID = try row.string(columns.hubID)
        boardID = try row.string(columns.boardID)
        name = try row.string(columns.name)
        description = try row.string(columns.description)
        summary = try row.string(columns.summary)
        imageURL = try row.optionalString(columns.imageURL)
        screenshotURL = try row.optionalString(columns.screenshotURL)
        // Not a ternary with `nil`: JSONValue is ExpressibleByNilLiteral, so that `nil` would be JSON null.
        variablesSchema = nil
        if try row.optionalString(columns.variablesSchema) != nil { variablesSchema = try row.json(columns.variablesSchema) }
        isDeployed = try row.bool(columns.isDeployed)
        createdAt = try row.timestamp(columns.createdAt)
        updatedAt = try row.timestamp(columns.updatedAt)
    }
}

/// A connection template with what its connector, hub and integration contribute to `HubConnectionTemplate`.
struct ConnectionTemplateRecord: Sendable {
    var id: String
    var integrationID: String
    var connectorID: String
    var authSchemeConfig: JSONValue
    var connectorName: String
    var connectorImageURL: String?
    var connectorVariables: [JSONValue]
    /// Listed in the integration's metadata, or the metadata was never set (then every template is used).
    var isUsed: Bool
    /// The connector is the hub's primary connector.
    var isPrimary: Bool
    var createdAt: String

    /// The columns of `connection_templates t` joined with `connectors c`, `integrations i` and `hubs h`.
    static let columns = """
        t.id, t.integration_id, t.connector_id, t.auth_scheme_config, t.created_at,
        c.name AS connector_name, c.image_url AS connector_image_url, c.connection_variables AS connector_variables,
        (i.metadata_set_at IS NULL OR t.is_used) AS is_used, (h.primary_connector_id = t.connector_id) AS is_primary
        """

    init(row: Row) throws {
        id = try row.string("id")
        integrationID = try row.string("integration_id")
        connectorID = try row.string("connector_id")
        authSchemeConfig = try row.json("auth_scheme_config")
        connectorName = try row.string("connector_name")
        connectorImageURL = try row.optionalString("connector_image_url")
        connectorVariables = try row.jsonArray("connector_variables")
        isUsed = try row.bool("is_used")
        isPrimary = try row.bool("is_primary")
        createdAt = try row.timestamp("created_at")
    }
}
