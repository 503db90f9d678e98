@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// CreateIntegration, GetIntegration, UpdateIntegration and DeleteIntegration over a real server and database.
@Suite(.enabled(if: TestApp.isAvailable)) struct IntegrationTests {
    @Test func createAnswersServerAssignedBoardIdAndDefaults() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let created = try await app.createIntegration(org, hub: hub, name: "CRM sync")
            let id = try created.string("id")
            let boardID = try created.string("boardId")
            let ids = [ULID(id), ULID(boardID)].compactMap { $0 }
            #expect(ids.count == 2)
            #expect(id != boardID)
            #expect(created["name"] == "CRM sync" && created["hubId"]?.stringValue == hub)
            #expect(created["organisationId"]?.stringValue == org.id)
            #expect(created["description"] == "" && created["summary"] == "" && created["isDeployed"] == false)
            #expect(created["imageUrl"]?.stringValue == PlaceholderImage(publicBaseURL: nil).url)
            #expect(created["variablesSchema"] == nil && created["screenshotUrl"] == nil)
            #expect(try await app.expect(200, .GET, "/integrations/\(id)", org).json == created.json)
            // Each integration gets its own board.
            let other = try await app.createIntegration(org, hub: hub)
            #expect(try other.string("boardId") != boardID)
        }
    }

    @Test func createKeepsEverythingGivenAndMakesTheFirstTemplateWithIt() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org, name: "Billing")
            let hub = try await app.createHub(org)
            let schema: JSONValue = [
                "type": "object", "required": ["region"],
                "properties": ["region": ["type": "string", "enum": ["eu", "us"]], "limit": ["type": "integer", "default": 10]],
            ]
            let created = try await app.createIntegration(org, hub: hub, name: "Billing sync", extra: [
                "description": "Copies invoices", "summary": "Invoices", "imageUrl": "https://cdn.example.com/billing.png",
                "screenshotUrl": "https://cdn.example.com/shot.png", "variablesSchema": schema,
                "connectionTemplate": [
                    "connectorId": .string(connector),
                    "authSchemeConfig": ["id": "api-key-1", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header"],
                ],
            ])
            #expect(created["description"] == "Copies invoices" && created["summary"] == "Invoices")
            #expect(created["imageUrl"] == "https://cdn.example.com/billing.png")
            #expect(created["screenshotUrl"] == "https://cdn.example.com/shot.png")
            // Stored as written, members in the client's order.
            #expect(created["variablesSchema"] == schema)
            let templates = try await app.expect(200, .GET, "/integrations/\(try created.string("id"))/connection-templates", org)
            #expect(templates["totalCount"] == 1)
            #expect(templates["connectionTemplates"]?[0]?["connectorId"]?.stringValue == connector)
            #expect(templates["connectionTemplates"]?[0]?["name"] == "Billing")
            #expect(templates["connectionTemplates"]?[0]?["authSchemeConfig"]?["schemeType"] == "api-key")
        }
    }

    @Test func createRefusalsNameTheFieldAndWriteNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let foreignHub = try await app.createHub(other)
            let foreignConnector = try await app.createConnector(other)
            let path = "/hubs/\(hub)/integrations"
            func refusal(_ body: JSONValue, at target: String? = nil) async throws -> Refusal {
                try await app.request(.POST, target ?? path, headers: org.auth, json: body).refusal
            }
            let base = JSONObject([("organisationId", .string(org.id)), ("name", "n")])
            func with(_ key: String, _ value: JSONValue) -> JSONValue {
                var body = base
                body[key] = value
                return .object(body)
            }
            #expect(try await refusal(["name": "n"]) == Refusal(400, "400002", ["organisationId"]))
            #expect(try await refusal(["organisationId": .string(org.id)]) == Refusal(400, "400002", ["name"]))
            #expect(try await refusal(with("name", "")) == Refusal(400, "400002", ["name"]))
            #expect(try await refusal(with("boardId", .string(ULID.generate().string))) == Refusal(400, "400002", ["boardId"]))
            #expect(try await refusal(with("imageUrl", "logo.png")) == Refusal(400, "400002", ["imageUrl"]))
            #expect(try await refusal(with("screenshotUrl", "not a uri")) == Refusal(400, "400002", ["screenshotUrl"]))
            #expect(try await refusal(with("variablesSchema", true)) == Refusal(400, "400002", ["variablesSchema"]))
            #expect(try await refusal(with("variablesSchema", ["properties": ["region": ["type": "string", "pattern": "^[a-z]+$"]]]))
                == Refusal(400, "400010", ["variablesSchema.properties.region.pattern"]))
            #expect(try await refusal(with("variablesSchema", ["properties": ["when": ["format": "date"]]]))
                == Refusal(400, "400010", ["variablesSchema.properties.when.format"]))
            #expect(try await refusal(with("variablesSchema", ["oneOf": [], "minimum": "1"]))
                == Refusal(400, "400010", ["variablesSchema.oneOf", "variablesSchema.minimum"]))
            #expect(try await refusal(with("connectionTemplate", [
                "connectorId": .string(foreignConnector),
                "authSchemeConfig": ["id": "k", "description": "", "schemeType": "api-key", "name": "X"],
            ])) == Refusal(400, "400002", ["connectionTemplate.authSchemeConfig.in"]))
            #expect(try await refusal(with("organisationId", .string(other.id))) == Refusal(404, "404007"))
            #expect(try await refusal(.object(base), at: "/hubs/\(foreignHub)/integrations") == Refusal(404, "404001"))
            #expect(try await refusal(.object(base), at: "/hubs/\(ULID.generate().string)/integrations") == Refusal(404, "404001"))
            #expect(try await refusal(.object(base), at: "/hubs/not-a-ulid/integrations") == Refusal(404, "404001"))
            // The template's connector decides last, after the integration row was written: the transaction undoes it.
            #expect(try await refusal(with("connectionTemplate", [
                "connectorId": .string(foreignConnector), "authSchemeConfig": ["id": "n", "description": "", "schemeType": "none"],
            ])) == Refusal(404, "404003"))
            #expect(try await app.count("integrations", of: org) == 0)
            #expect(try await app.count("connection_templates", of: org) == 0)
            #expect(try await app.count("integrations", of: other) == 0)
        }
    }

    @Test func updateChangesOnlyWhatIsSentAndClearsTheSchemaWithNull() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let created = try await app.createIntegration(org, hub: hub, name: "Old", extra: [
                "description": "d", "variablesSchema": ["type": "object"],
            ])
            let id = try created.string("id")
            let path = "/integrations/\(id)"
            let unchanged = try await app.expect(200, .PATCH, path, org, [:])
            #expect(unchanged["name"] == "Old" && unchanged["variablesSchema"] == ["type": "object"])
            #expect(unchanged["boardId"] == created["boardId"])

            let renamed = try await app.expect(200, .PATCH, path, org, [
                "name": "New", "summary": "s", "imageUrl": "https://cdn.example.com/i.svg", "isDeployed": true,
                "variablesSchema": ["type": "object", "properties": ["n": ["type": "number", "maximum": 5]]],
            ])
            #expect(renamed["name"] == "New" && renamed["description"] == "d" && renamed["summary"] == "s")
            #expect(renamed["imageUrl"] == "https://cdn.example.com/i.svg" && renamed["isDeployed"] == true)
            #expect(renamed["variablesSchema"]?["properties"]?["n"]?["maximum"] == 5)
            #expect(renamed["boardId"] == created["boardId"] && renamed["createdAt"] == created["createdAt"])

            let cleared = try await app.expect(200, .PATCH, path, org, ["variablesSchema": nil, "isDeployed": false])
            #expect(cleared["variablesSchema"] == nil && cleared["isDeployed"] == false && cleared["name"] == "New")
            #expect(try await app.expect(200, .GET, path, org).json == cleared.json)
        }
    }

    @Test func updateRefusalsNameTheFieldAndChangeNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let id = try await app.createIntegration(org, hub: hub).string("id")
            let path = "/integrations/\(id)"
            let before = try await app.expect(200, .GET, path, org).json
            func refusal(_ body: JSONValue, as caller: TestOrganisation? = nil, at target: String? = nil) async throws -> Refusal {
                try await app.request(.PATCH, target ?? path, headers: (caller ?? org).auth, json: body).refusal
            }
            #expect(try await refusal(["boardId": .string(ULID.generate().string), "name": "x"]) == Refusal(400, "400002", ["boardId"]))
            #expect(try await refusal(["color": "red", "name": "x"]) == Refusal(400, "400002", ["color"]))
            #expect(try await refusal(["name": ""]) == Refusal(400, "400002", ["name"]))
            #expect(try await refusal(["imageUrl": "/relative.png"]) == Refusal(400, "400002", ["imageUrl"]))
            #expect(try await refusal(["isDeployed": "yes"]) == Refusal(400, "400002", ["isDeployed"]))
            #expect(try await refusal(["variablesSchema": "string"]) == Refusal(400, "400002", ["variablesSchema"]))
            #expect(try await refusal(["name": "x", "variablesSchema": ["items": [["type": "string"]]]])
                == Refusal(400, "400010", ["variablesSchema.items"]))
            #expect(try await refusal(["name": "x"], as: other) == Refusal(404, "404009"))
            #expect(try await refusal(["name": "x"], at: "/integrations/\(ULID.generate().string)") == Refusal(404, "404009"))
            #expect(try await app.expect(200, .GET, path, org).json == before)
        }
    }

    @Test func deployedIntegrationIsNotDeleted() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let id = try await app.createIntegration(org, hub: hub).string("id")
            try await app.expect(200, .PATCH, "/integrations/\(id)", org, ["isDeployed": true])
            let refused = try await app.request(.DELETE, "/integrations/\(id)", headers: org.auth)
            #expect(refused.refusal == Refusal(409, "409007"))
            #expect(try await app.expect(200, .GET, "/integrations/\(id)", org)["isDeployed"] == true)
            try await app.expect(200, .PATCH, "/integrations/\(id)", org, ["isDeployed": false])
            try await app.expect(204, .DELETE, "/integrations/\(id)", org)
            #expect(try await app.request(.GET, "/integrations/\(id)", headers: org.auth).refusal == Refusal(404, "404009"))
            #expect(try await app.request(.DELETE, "/integrations/\(id)", headers: org.auth).refusal == Refusal(404, "404009"))
        }
    }

    /// Deleting an integration takes its templates and activations (with their bindings) and keeps the end
    /// users' connections; the other integration of the hub keeps all of its own.
    @Test func deleteCascadesToTemplatesAndActivationsAndKeepsConnections() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let doomed = try await app.createIntegration(org, hub: hub).string("id")
            let kept = try await app.createIntegration(org, hub: hub).string("id")
            let doomedTemplate = try await app.createTemplate(org, integration: doomed, connector: connector)
            let keptTemplate = try await app.createTemplate(org, integration: kept, connector: connector)
            let (connection, _) = try await app.insertActivation(
                org, hub: hub, integration: doomed, template: doomedTemplate, connector: connector)
            _ = try await app.insertActivation(org, hub: hub, integration: kept, template: keptTemplate, connector: connector)

            try await app.expect(204, .DELETE, "/integrations/\(doomed)", org)
            #expect(try await app.count("integrations", of: org) == 1)
            #expect(try await app.count("connection_templates", of: org) == 1)
            #expect(try await app.count("activations", of: org) == 1)
            #expect(try await app.count("activation_connections", of: org) == 1)
            #expect(try await app.count("connections", of: org) == 2)
            let stillThere = try await app.context.database.withConnection { database in
                try await database.query("SELECT id FROM connections WHERE id = \(connection)").rows.count
            }
            #expect(stillThere == 1)
        }
    }

    @Test func endUserTokensAre403AndForeignIdsAre404OnEveryOperation() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let hub = try await app.createHub(org)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let operations: [(HTTPMethod, String, JSONValue?)] = [
                // The foreign caller names its own organisation, so only the hub is foreign.
                (.POST, "/hubs/\(hub)/integrations", ["organisationId": .string(other.id), "name": "n"]),
                (.GET, "/hubs/\(hub)/integrations", nil),
                (.GET, "/integrations/\(integration)", nil),
                (.PATCH, "/integrations/\(integration)", ["name": "n"]),
                (.DELETE, "/integrations/\(integration)", nil),
                (.POST, "/integrations/\(integration)/connection-templates", [
                    "connectorId": .string(ULID.generate().string), "authSchemeConfig": ["id": "n", "description": "", "schemeType": "none"],
                ]),
                (.GET, "/integrations/\(integration)/connection-templates", nil),
                (.PUT, "/integrations/\(integration)/metadata", ["usedConnectionTemplates": []]),
            ]
            let token = try key.auth(subject: "user-1")
            for (method, path, body) in operations {
                let asToken = try await app.request(method, path, headers: token, json: body)
                #expect(asToken.refusal == Refusal(403, "403001"), "\(method) \(path)")
                let foreign = try await app.request(method, path, headers: other.auth, json: body)
                let expected = path.hasPrefix("/hubs/") ? "404001" : "404009"
                #expect(foreign.refusal == Refusal(404, expected), "\(method) \(path)")
            }
            #expect(try await app.count("integrations", of: org) == 1)
            #expect(try await app.count("integrations", of: other) == 0)
            #expect(try await app.expect(200, .GET, "/integrations/\(integration)", org)["name"] == "Sync")
        }
    }

    /// Deleting the hub leaves no integration, template, activation or binding of it behind.
    @Test func hubDeletionLeavesNothingDangling() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            let integration = try await app.createIntegration(org, hub: hub).string("id")
            let template = try await app.createTemplate(org, integration: integration, connector: connector)
            _ = try await app.insertActivation(org, hub: hub, integration: integration, template: template, connector: connector)
            for table in ["integrations", "connection_templates", "activations", "activation_connections"] {
                #expect(try await app.count(table, of: org) == 1, "\(table)")
            }
            try await app.expect(204, .DELETE, "/hubs/\(hub)", org)
            for table in ["integrations", "connection_templates", "activations", "activation_connections", "end_users", "connections"] {
                #expect(try await app.count(table, of: org) == 0, "\(table)")
            }
            // The connector was only held by the template; with it gone the connector can go too.
            try await app.expect(204, .DELETE, "/o/\(org.id)/connectors/\(connector)", org)
        }
    }
}
