@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport

/// Integrations and connection templates written straight into their tables (this suite only reads them), and
/// the bodies and counts the activation tests share.
extension ConnectionsApp {
    /// An integration of `hubID` (the tenant's hub by default).
    func insertIntegration(
        _ tenant: TestTenant, hubID: String? = nil, name: String = "CRM sync", deployed: Bool = true,
        schema: JSONValue? = nil, imageURL: String? = nil
    ) async throws -> String {
        let id = testID()
        _ = try await context.database.withConnection { connection in
            _ = try await connection.query("""
                INSERT INTO integrations (id, organisation_id, hub_id, board_id, name, description, image_url,
                                          variables_schema, is_deployed)
                VALUES (\(id), \(tenant.organisationID), \(hubID ?? tenant.hubID), \(testID()), \(name), 'syncs contacts',
                        \(imageURL), \(schema?.jsonText)::json, \(deployed))
                """)
        }
        return id
    }

    /// A template of `integrationID` for `connectorID` with the api-key scheme the tenant's connectors carry.
    func insertTemplate(
        _ tenant: TestTenant, integrationID: String, connectorID: String, scheme: JSONValue = Bodies.apiKeyScheme()
    ) async throws -> String {
        let id = testID()
        _ = try await context.database.withConnection { connection in
            _ = try await connection.query("""
                INSERT INTO connection_templates (id, organisation_id, integration_id, connector_id, auth_scheme_config)
                VALUES (\(id), \(tenant.organisationID), \(integrationID), \(connectorID), \(scheme.jsonText)::json)
                """)
        }
        return id
    }

    /// As UpdateIntegrationMetadata leaves it: only `used` are used.
    func setUsedTemplates(integrationID: String, _ used: [String]) async throws {
        _ = try await context.database.withConnection { connection in
            _ = try await connection.query("""
                UPDATE connection_templates
                SET is_used = id IN (SELECT json_array_elements_text(\(JSONValue.strings(used).jsonText)::json))
                WHERE integration_id = \(integrationID)
                """)
            _ = try await connection.query("UPDATE integrations SET metadata_set_at = now() WHERE id = \(integrationID)")
        }
    }

    /// The organisation's activations and activation links.
    func activationCounts(_ organisationID: String) async throws -> (activations: Int, links: Int) {
        try await context.database.withConnection { connection in
            let row = try await connection.query("""
                SELECT (SELECT count(*) FROM activations WHERE organisation_id = \(organisationID)) AS activations,
                       (SELECT count(*) FROM activation_connections WHERE organisation_id = \(organisationID)) AS links
                """).rows[0]
            return (try row.int("activations"), try row.int("links"))
        }
    }

    func activate(_ tenant: TestTenant, _ body: JSONValue, query: String = "", auth: HeaderFields? = nil) async -> AppResponse {
        await request(.POST, "/activations" + query, auth: auth ?? tenant.auth, json: body)
    }
}

/// A deployed integration with two templates, one for the tenant's primary connector and one for a second
/// connector, and the end user `ada` (whose primary connection is to the first).
struct ActivationScene: Sendable {
    let tenant: TestTenant
    let integrationID: String
    let primaryTemplateID: String
    let otherTemplateID: String
    let otherConnectorID: String
    let adaID: String
    let adaPrimaryConnectionID: String

    /// `{limit: integer (required), region: string (default "eu")}`.
    static let schema: JSONValue = [
        "type": "object",
        "properties": ["limit": ["type": "integer", "minimum": 1], "region": ["type": "string", "default": "eu"]],
        "required": ["limit"], "additionalProperties": false,
    ]

    static func make(_ app: ConnectionsApp, signingKey: Bool = false, deployed: Bool = true) async throws -> ActivationScene {
        let tenant = try await app.makeTenant(signingKey: signingKey)
        let other = try await app.makeConnector(tenant.organisationID, auth: tenant.auth)
        let integration = try await app.insertIntegration(tenant, deployed: deployed, schema: schema)
        let primary = try await app.insertTemplate(tenant, integrationID: integration, connectorID: tenant.connectorID)
        let second = try await app.insertTemplate(tenant, integrationID: integration, connectorID: other)
        let ada = try await app.createEndUser(tenant, externalID: "ada")
        guard let adaID = ada["id"]?.stringValue, let primaryID = ada["primaryConnection"]?["id"]?.stringValue else {
            throw FixtureError("CreateEndUser answered no id or primary connection")
        }
        return ActivationScene(
            tenant: tenant, integrationID: integration, primaryTemplateID: primary, otherTemplateID: second,
            otherConnectorID: other, adaID: adaID, adaPrimaryConnectionID: primaryID)
    }

    /// Ada's activation: her primary connection for the first template, a new one for the second.
    func body(user: String = "ada", secret: String = "activation-secret", variables: JSONValue? = ["limit": 5]) -> JSONValue {
        Bodies.activation(
            user: user, integrationID: integrationID,
            connections: [
                Bodies.existingEntry(templateID: primaryTemplateID, connectionID: adaPrimaryConnectionID),
                Bodies.newEntry(templateID: otherTemplateID, secret: secret),
            ],
            variables: variables)
    }
}

extension Bodies {
    static func activation(user: String, integrationID: String, connections: [JSONValue], variables: JSONValue? = nil) -> JSONValue {
        var body: JSONObject = JSONObject([
            ("userId", .string(user)), ("integrationId", .string(integrationID)), ("connections", .array(connections)),
        ])
        if let variables { body["dynamicVariables"] = variables }
        return .object(body)
    }

    static func existingEntry(templateID: String, connectionID: String) -> JSONValue {
        ["templateId": .string(templateID), "connectionId": .string(connectionID)]
    }

    static func newEntry(
        templateID: String, name: String = "from activation", secret: String = "activation-secret",
        scheme: JSONValue = apiKeyScheme()
    ) -> JSONValue {
        [
            "templateId": .string(templateID), "name": .string(name), "variables": [],
            "credentials": ["action": [entry(scheme, stringCredential(secret))]],
        ]
    }
}
