@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// ActivateIntegration over a real socket and database: what it answers and writes, and every refusal with its
/// status, code and path, each shown to leave no activation, connection, credential or binding behind.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ActivationCreateTests {
    @Test func activatesWithAnExistingAndANewConnection() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let tenant = scene.tenant
            let before = try await app.rowCounts(tenant.organisationID)
            let made = await app.activate(tenant, scene.body())
            #expect(made.status == 200, "\(made.text)")
            #expect(made["user"]?["externalId"] == "ada")
            #expect(made["user"]?["id"]?.stringValue == scene.adaID)
            #expect(made["hubId"]?.stringValue == tenant.hubID)
            #expect(made["integration"]?["id"]?.stringValue == scene.integrationID)
            #expect(made["integration"]?["isActivated"] == true)
            #expect(made["integration"]?["isDeployed"] == true)
            #expect(made["integration"]?["imageUrl"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true)
            // The schema's default is applied to what the client sent.
            #expect(made["dynamicVariables"] == ["limit": 5, "region": "eu"])
            #expect(made["connections"]?.count == 2)

            let after = try await app.rowCounts(tenant.organisationID)
            #expect(after.connections == before.connections + 1)
            #expect(after.credentials == before.credentials + 1)
            #expect(try await app.activationCounts(tenant.organisationID) == (1, 2))

            // Each template's connection, as GetEndUserConnection renders it.
            let existing = await app.request(.GET, "/connection-templates/\(scene.primaryTemplateID)/users/ada", auth: tenant.auth)
            #expect(existing.status == 200)
            #expect(existing["id"]?.stringValue == scene.adaPrimaryConnectionID)
            let new = await app.request(.GET, "/connection-templates/\(scene.otherTemplateID)/users/ada", auth: tenant.auth)
            #expect(new.status == 200, "\(new.text)")
            #expect(new["name"] == "from activation")
            #expect(new["credentials"]?["action"]?[0]?["authSchemeConfig"]?["id"] == "key-1")
            #expect(new["credentials"]?["action"]?[0]?["credential"]?["data"]?["value"] == "")
            #expect(!new.text.contains("activation-secret"))
            // It is an ordinary connection of ada's, to the template's connector.
            let listed = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections?hub_connector_id=\(scene.otherConnectorID)", auth: tenant.auth)
            #expect(listed["connections"]?[0]?["id"] == new["id"])
        }
    }

    @Test func resolvesTheUserByInternalIdWhenAsked() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let made = await app.activate(scene.tenant, scene.body(user: scene.adaID), query: "?identifier_type=internal")
            #expect(made.status == 200, "\(made.text)")
            #expect(made["user"]?["externalId"] == "ada")
            let wrong = await app.activate(scene.tenant, scene.body(), query: "?identifier_type=uuid")
            #expect(wrong.status == 400 && wrong.errorCode == "400003")
            // By default the id is external: ada's internal id names nobody.
            let external = await app.activate(scene.tenant, scene.body(user: scene.adaID))
            #expect(external.status == 404 && external.errorCode == "404002")
        }
    }

    @Test func withoutASchemaAnyObjectIsAcceptedAndNoneMeansEmpty() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let integration = try await app.insertIntegration(tenant)
            let body = Bodies.activation(user: "ada", integrationID: integration, connections: [])
            let made = await app.activate(tenant, body)
            #expect(made.status == 200, "\(made.text)")
            #expect(made["dynamicVariables"] == [:])
            #expect(made["connections"] == [])
        }
    }

    /// One case per refusal: its status, code and paths, and nothing written.
    @Test(arguments: RefusalCase.allCases)
    func refusalsLeaveNothingBehind(_ refusal: RefusalCase) async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app, deployed: refusal != .notDeployed)
            let tenant = scene.tenant
            let body = try await refusal.body(scene, app)
            let before = try await app.rowCounts(tenant.organisationID)
            let refused = await app.activate(tenant, body)
            #expect(refused.status == refusal.expected.status, "\(refused.text)")
            #expect(refused.errorCode == refusal.expected.code, "\(refused.text)")
            #expect(refused.errorFields == refusal.expected.fields, "\(refused.text)")
            if let message = refusal.expected.message(scene) {
                #expect(refused.text.contains(message), "\(refused.text)")
            }
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            #expect(try await app.activationCounts(tenant.organisationID) == (0, 0))
        }
    }

    @Test func aSecondActivationIsRefusedAndKeepsTheFirst() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            #expect(await app.activate(scene.tenant, scene.body()).status == 200)
            let before = try await app.rowCounts(scene.tenant.organisationID)
            let again = await app.activate(scene.tenant, scene.body())
            #expect(again.status == 409 && again.errorCode == "409008", "\(again.text)")
            #expect(try await app.rowCounts(scene.tenant.organisationID) == before)
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (1, 2))
        }
    }

    /// Twins sent at once: one wins, the other waits on the unique constraint and is told 409008; only the
    /// winner's new connection exists.
    @Test func racingActivationsMakeOne() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let before = try await app.rowCounts(scene.tenant.organisationID)
            let bodies = (0..<4).map { index in
                Bodies.activation(
                    user: "ada", integrationID: scene.integrationID,
                    connections: [
                        Bodies.existingEntry(templateID: scene.primaryTemplateID, connectionID: scene.adaPrimaryConnectionID),
                        Bodies.newEntry(templateID: scene.otherTemplateID, name: "twin \(index)"),
                    ],
                    variables: ["limit": 1])
            }
            let statuses = await withTaskGroup(of: AppResponse.self) { group in
                for body in bodies { group.addTask { await app.activate(scene.tenant, body) } }
                var answers: [AppResponse] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
            #expect(statuses.filter { $0.status == 200 }.count == 1)
            #expect(statuses.filter { $0.status == 409 && $0.errorCode == "409008" }.count == 3, "\(statuses.map(\.text))")
            let after = try await app.rowCounts(scene.tenant.organisationID)
            #expect(after.connections == before.connections + 1)
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (1, 2))
        }
    }
}

enum RefusalCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case missingTemplate, templateTwice, templateOfAnotherIntegration, unusedTemplate, schemeMismatch, schemeTypeMismatch
    case credentialTypeMisfitsTemplate, connectionOfAnotherUser, connectionOfAnotherConnector, notDeployed
    case missingRequiredVariable, forbiddenVariable, mistypedVariable, variablesNotAnObject, badCredentialData
    case unknownIntegration, unknownUser, takenNameRollsBackEarlierConnection, entryNotAnObject

    var testDescription: String { rawValue }

    struct Expected {
        var status: Int
        var code: String
        var fields: [String]
        var message: (ActivationScene) -> String? = { _ in nil }
    }

    var expected: Expected {
        switch self {
        case .missingTemplate:
            Expected(status: 400, code: "400020", fields: ["connections"], message: { $0.otherTemplateID })
        case .templateTwice: Expected(status: 400, code: "400020", fields: ["connections[1].templateId"])
        case .templateOfAnotherIntegration: Expected(status: 400, code: "400020", fields: ["connections[2].templateId"])
        case .unusedTemplate: Expected(status: 400, code: "400020", fields: ["connections[1].templateId"])
        case .schemeMismatch:
            Expected(status: 400, code: "400021", fields: ["connections[1].credentials.action[0].authSchemeConfig"])
        case .schemeTypeMismatch:
            Expected(status: 400, code: "400021", fields: ["connections[1].credentials.action[0].authSchemeConfig"])
        case .credentialTypeMisfitsTemplate:
            Expected(status: 400, code: "400002", fields: ["connections[1].credentials.action[0].credential.type"])
        case .connectionOfAnotherUser: Expected(status: 404, code: "404005", fields: ["connections[0].connectionId"])
        case .connectionOfAnotherConnector: Expected(status: 400, code: "400022", fields: ["connections[0].connectionId"])
        case .notDeployed: Expected(status: 409, code: "409009", fields: [])
        case .missingRequiredVariable: Expected(status: 400, code: "400023", fields: ["dynamicVariables.limit"])
        case .forbiddenVariable: Expected(status: 400, code: "400023", fields: ["dynamicVariables.colour"])
        case .mistypedVariable: Expected(status: 400, code: "400023", fields: ["dynamicVariables.limit"])
        case .variablesNotAnObject: Expected(status: 400, code: "400002", fields: ["dynamicVariables"])
        case .badCredentialData:
            Expected(status: 400, code: "400002", fields: ["connections[1].credentials.action[0].credential.data.value"])
        case .unknownIntegration: Expected(status: 404, code: "404009", fields: [])
        case .unknownUser: Expected(status: 404, code: "404002", fields: [])
        case .takenNameRollsBackEarlierConnection: Expected(status: 409, code: "409001", fields: [])
        case .entryNotAnObject: Expected(status: 400, code: "400002", fields: ["connections[0]"])
        }
    }

    func body(_ scene: ActivationScene, _ app: ConnectionsApp) async throws -> JSONValue {
        let existing = Bodies.existingEntry(templateID: scene.primaryTemplateID, connectionID: scene.adaPrimaryConnectionID)
        let new = Bodies.newEntry(templateID: scene.otherTemplateID)
        func activation(_ connections: [JSONValue], variables: JSONValue? = ["limit": 5], user: String = "ada") -> JSONValue {
            Bodies.activation(user: user, integrationID: scene.integrationID, connections: connections, variables: variables)
        }
        switch self {
        case .missingTemplate: return activation([existing])
        case .templateTwice: return activation([existing, existing, new])
        case .templateOfAnotherIntegration:
            let other = try await app.insertIntegration(scene.tenant)
            let foreign = try await app.insertTemplate(scene.tenant, integrationID: other, connectorID: scene.tenant.connectorID)
            return activation([existing, new, Bodies.newEntry(templateID: foreign)])
        case .unusedTemplate:
            try await app.setUsedTemplates(integrationID: scene.integrationID, [scene.primaryTemplateID])
            return activation([existing, new])
        case .schemeMismatch:
            return activation([existing, Bodies.newEntry(templateID: scene.otherTemplateID, scheme: Bodies.apiKeyScheme("key-2"))])
        case .schemeTypeMismatch:
            // The template's id with another schemeType (and a credential that scheme takes).
            let entry = replacing(new, scheme: Bodies.basicScheme("key-1"), credential: Bodies.basicCredential(password: "other-type-pw"))
            return activation([existing, entry])
        case .credentialTypeMisfitsTemplate:
            // Same id and schemeType, another grant: the client's scheme takes an oauth2-password credential,
            // the template's (client_credentials) does not.
            _ = try await app.context.database.withConnection { connection in
                try await connection.query("""
                    UPDATE connection_templates SET auth_scheme_config = \(BenchmarkBodies.scheme(for: .oauth2Client).jsonText)::json
                    WHERE id = \(scene.otherTemplateID)
                    """)
            }
            let credential: JSONValue = ["name": "pw", "type": "oauth2-password", "data": BenchmarkBodies.data(.oauth2Password)]
            let entry = replacing(new, scheme: BenchmarkBodies.scheme(for: .oauth2Password), credential: credential)
            return activation([existing, entry])
        case .connectionOfAnotherUser:
            let bob = try await app.createEndUser(scene.tenant, externalID: "bob")
            let bobs = bob["primaryConnection"]?["id"]?.stringValue ?? ""
            return activation([Bodies.existingEntry(templateID: scene.primaryTemplateID, connectionID: bobs), new])
        case .connectionOfAnotherConnector:
            let made = await app.createConnection(
                scene.tenant, user: "ada", body: Bodies.create(connectorID: scene.otherConnectorID, name: "elsewhere"))
            let id = made["id"]?.stringValue ?? ""
            return activation([Bodies.existingEntry(templateID: scene.primaryTemplateID, connectionID: id), new])
        case .notDeployed: return activation([existing, new])
        case .missingRequiredVariable: return activation([existing, new], variables: ["region": "us"])
        case .forbiddenVariable: return activation([existing, new], variables: ["limit": 5, "colour": "red"])
        case .mistypedVariable: return activation([existing, new], variables: ["limit": "five"])
        case .variablesNotAnObject: return activation([existing, new], variables: ["limit", 5])
        case .badCredentialData:
            let entry = replacing(new, scheme: Bodies.apiKeyScheme(), credential: ["name": "k", "type": "string", "data": [:]])
            return activation([existing, entry])
        case .unknownIntegration:
            return Bodies.activation(user: "ada", integrationID: testID(), connections: [existing, new], variables: ["limit": 5])
        case .unknownUser: return activation([existing, new], user: "nobody")
        case .takenNameRollsBackEarlierConnection:
            // Both templates get new connections; the second's name is taken, after the first was written.
            _ = await app.createConnection(scene.tenant, user: "ada", body: Bodies.create(connectorID: scene.otherConnectorID, name: "taken"))
            return activation([
                Bodies.newEntry(templateID: scene.primaryTemplateID, name: "fresh"),
                Bodies.newEntry(templateID: scene.otherTemplateID, name: "taken"),
            ])
        case .entryNotAnObject: return activation(["connection", new])
        }
    }

    private func replacing(_ entry: JSONValue, scheme: JSONValue, credential: JSONValue) -> JSONValue {
        guard case .object(var object) = entry else { return entry }
        object["credentials"] = ["action": [Bodies.entry(scheme, credential)]]
        return .object(object)
    }
}
