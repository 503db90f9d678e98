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

    /// The columns of `integrations t`, under their own names.
    static let columns = """
        t.id, t.organisation_id, t.hub_id, t.board_id, t.name, t.description, t.summary, t.image_url,
        t.screenshot_url, t.variables_schema, t.is_deployed, t.created_at, t.updated_at
        """

    init(row: Row) throws {
        id = try row.string("id")
        organisationID = try row.string("organisation_id")
        hubID = try row.string("hub_id")
        boardID = try row.string("board_id")
        name = try row.string("name")
        description = try row.string("description")
        summary = try row.string("summary")
        imageURL = try row.optionalString("image_url")
        screenshotURL = try row.optionalString("screenshot_url")
        // Not a ternary with `nil`: JSONValue is ExpressibleByNilLiteral, so that `nil` would be JSON null.
        variablesSchema = nil
        if try row.optionalString("variables_schema") != nil { variablesSchema = try row.json("variables_schema") }
        isDeployed = try row.bool("is_deployed")
        createdAt = try row.timestamp("created_at")
        updatedAt = try row.timestamp("updated_at")
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
