@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// GetActivation, DeleteActivation, both dynamic-variable paths, GetEndUserConnection, and what deleting a
/// connection or an end user does to activations; foreign ids and end-user tokens.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ActivationManageTests {
    @Test func getAnswersWhatActivateAnsweredAndDeleteKeepsTheConnections() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let auth = scene.tenant.auth
            let made = await app.activate(scene.tenant, scene.body())
            let id = try #require(made["id"]?.stringValue)
            let fetched = await app.request(.GET, "/activations/\(id)", auth: auth)
            #expect(fetched.status == 200)
            #expect(fetched.text == made.text)
            let counts = try await app.rowCounts(scene.tenant.organisationID)
            #expect(await app.request(.DELETE, "/activations/\(id)", auth: auth).status == 204)
            let gone = await app.request(.GET, "/activations/\(id)", auth: auth)
            #expect(gone.status == 404 && gone.errorCode == "404011")
            let again = await app.request(.DELETE, "/activations/\(id)", auth: auth)
            #expect(again.status == 404 && again.errorCode == "404011")
            #expect(try await app.rowCounts(scene.tenant.organisationID) == counts)
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (0, 0))
            let none = await app.request(.GET, "/connection-templates/\(scene.otherTemplateID)/users/ada", auth: auth)
            #expect(none.status == 404 && none.errorCode == "404010")
            // The user may activate again, reusing the connection the first activation made.
            let kept = await app.request(
                .GET, "/hubs/\(scene.tenant.hubID)/users/ada/connections?hub_connector_id=\(scene.otherConnectorID)", auth: auth)
            let keptID = try #require(kept["connections"]?[0]?["id"]?.stringValue)
            let body = Bodies.activation(user: "ada", integrationID: scene.integrationID, connections: [
                Bodies.existingEntry(templateID: scene.primaryTemplateID, connectionID: scene.adaPrimaryConnectionID),
                Bodies.existingEntry(templateID: scene.otherTemplateID, connectionID: keptID),
            ], variables: ["limit": 2])
            #expect(await app.activate(scene.tenant, body).status == 200)
        }
    }

    @Test func variablesAreReplacedUnderTheSchemaOnBothPaths() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let auth = scene.tenant.auth
            let id = try #require(await app.activate(scene.tenant, scene.body())["id"]?.stringValue)
            let byUser = "/integrations/\(scene.integrationID)/users/ada/variables"

            let put = await app.request(.PUT, "/activations/\(id)/variables", auth: auth, json: ["dynamicVariables": ["limit": 7]])
            #expect(put.status == 200, "\(put.text)")
            #expect(put.json == ["dynamicVariables": ["limit": 7, "region": "eu"]])
            #expect(await app.request(.GET, byUser, auth: auth).json == ["limit": 7, "region": "eu"])

            let internalPut = await app.request(.PUT, byUser, auth: auth, json: ["limit": 9, "region": "us"])
            #expect(internalPut.status == 204 && internalPut.body.isEmpty)
            #expect(await app.request(.GET, byUser, auth: auth).json == ["limit": 9, "region": "us"])
            let byInternalID = "/integrations/\(scene.integrationID)/users/\(scene.adaID)/variables?identifier_type=internal"
            #expect(await app.request(.GET, byInternalID, auth: auth).json == ["limit": 9, "region": "us"])
            #expect(await app.request(.GET, "/activations/\(id)", auth: auth)["dynamicVariables"] == ["limit": 9, "region": "us"])

            let invalid: [(String, JSONValue, String, String)] = [
                ("/activations/\(id)/variables", ["dynamicVariables": ["limit": 0]], "400023", "dynamicVariables.limit"),
                ("/activations/\(id)/variables", ["dynamicVariables": ["region": "eu"]], "400023", "dynamicVariables.limit"),
                ("/activations/\(id)/variables", ["dynamicVariables": "limit=3"], "400002", "dynamicVariables"),
                ("/activations/\(id)/variables", ["limit": 3], "400002", "limit"),
                (byUser, ["limit": 3, "colour": "red"], "400023", "dynamicVariables.colour"),
                (byUser, ["limit": true], "400023", "dynamicVariables.limit"),
            ]
            for (path, body, code, field) in invalid {
                let refused = await app.request(.PUT, path, auth: auth, json: body)
                #expect(refused.status == 400 && refused.errorCode == code, "\(path) \(refused.text)")
                #expect(refused.errorFields.contains(field), "\(path) \(refused.text)")
            }
            #expect(await app.request(.GET, byUser, auth: auth).json == ["limit": 9, "region": "us"])

            _ = try await app.createEndUser(scene.tenant, externalID: "bob")
            let bobs = "/integrations/\(scene.integrationID)/users/bob/variables"
            let noActivation = await app.request(.GET, bobs, auth: auth)
            #expect(noActivation.status == 404 && noActivation.errorCode == "404011")
            let noActivationPut = await app.request(.PUT, bobs, auth: auth, json: ["limit": 1])
            #expect(noActivationPut.status == 404 && noActivationPut.errorCode == "404011")
            let nobody = await app.request(.GET, "/integrations/\(scene.integrationID)/users/nobody/variables", auth: auth)
            #expect(nobody.status == 404 && nobody.errorCode == "404002")
            let noIntegration = await app.request(.GET, "/integrations/\(testID())/users/ada/variables", auth: auth)
            #expect(noIntegration.status == 404 && noIntegration.errorCode == "404009")
        }
    }

    @Test func aConnectionAnActivationUsesCannotBeDeleted() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let auth = scene.tenant.auth
            let id = try #require(await app.activate(scene.tenant, scene.body())["id"]?.stringValue)
            let path = "/hubs/\(scene.tenant.hubID)/users/ada/connections/\(scene.adaPrimaryConnectionID)"
            // A second connection to the primary connector, so the bound one is not the last (409011).
            _ = await app.createConnection(
                scene.tenant, user: "ada", body: Bodies.create(connectorID: scene.tenant.connectorID, name: "backup"))
            let counts = try await app.rowCounts(scene.tenant.organisationID)
            let refused = await app.request(.DELETE, path, auth: auth)
            #expect(refused.status == 409 && refused.errorCode == "409010", "\(refused.text)")
            #expect(try await app.rowCounts(scene.tenant.organisationID) == counts)
            #expect(await app.request(.GET, path, auth: auth).status == 200)
            #expect(await app.request(.DELETE, "/activations/\(id)", auth: auth).status == 204)
            #expect(await app.request(.DELETE, path, auth: auth).status == 204)
        }
    }

    /// The deferred foreign key answers for a delete that the explicit check did not see (an activation bound
    /// the connection meanwhile): the commit fails, and that failure means 409010.
    @Test func theCommitTimeForeignKeyMapsTo409010() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            #expect(await app.activate(scene.tenant, scene.body()).status == 200)
            var mapped: APIError?
            do {
                _ = try await app.context.database.withTransaction { database in
                    try await database.query("DELETE FROM connections WHERE id = \(scene.adaPrimaryConnectionID)")
                }
            } catch let error as DatabaseError {
                mapped = ConstraintErrors.apiError(for: error)
            }
            #expect(mapped?.code == .connectionUsedByActivation)
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (1, 2))
        }
    }

    @Test func deletingTheEndUserDeletesItsActivations() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            #expect(await app.activate(scene.tenant, scene.body()).status == 200)
            let deleted = await app.request(.DELETE, "/hubs/\(scene.tenant.hubID)/users/ada", auth: scene.tenant.auth)
            #expect(deleted.status == 204, "\(deleted.text)")
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (0, 0))
            let counts = try await app.rowCounts(scene.tenant.organisationID)
            #expect(counts.connections == 0 && counts.credentials == 0 && counts.bindings == 0)
        }
    }

    @Test func foreignIdsAnswer404() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let id = try #require(await app.activate(scene.tenant, scene.body())["id"]?.stringValue)
            let stranger = try await app.makeTenant()
            _ = try await app.createEndUser(stranger, externalID: "ada")
            let cases: [(HTTPMethod, String, JSONValue?, String)] = [
                (.GET, "/activations/\(id)", nil, "404011"),
                (.DELETE, "/activations/\(id)", nil, "404011"),
                (.PUT, "/activations/\(id)/variables", ["dynamicVariables": ["limit": 1]], "404011"),
                (.GET, "/integrations/\(scene.integrationID)/users/ada/variables", nil, "404009"),
                (.PUT, "/integrations/\(scene.integrationID)/users/ada/variables", ["limit": 1], "404009"),
                (.GET, "/connection-templates/\(scene.otherTemplateID)/users/ada", nil, "404010"),
                (.GET, "/embed/\(scene.tenant.hubID)/users/ada/integrations", nil, "404001"),
                (.GET, "/embed/\(stranger.hubID)/users/ada/integrations/\(scene.integrationID)", nil, "404009"),
                (.GET, "/embed/\(scene.tenant.hubID)/users/ada/activations", nil, "404001"),
            ]
            for (method, path, body, code) in cases {
                let answer = await app.request(method, path, auth: stranger.auth, json: body)
                #expect(answer.status == 404 && answer.errorCode == code, "\(method) \(path) \(answer.text)")
            }
            let foreignActivation = await app.activate(stranger, scene.body())
            #expect(foreignActivation.status == 404 && foreignActivation.errorCode == "404009")
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (1, 2))
        }
    }

    /// A token acts on its own end user only: ada's token may do everything for ada, bob's nothing.
    @Test func endUserTokensActOnlyForThemselves() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app, signingKey: true)
            let bob = try await app.createEndUser(scene.tenant, externalID: "bob")
            let ada = try scene.tenant.endUserAuth("ada")
            let bobs = try scene.tenant.endUserAuth("bob")

            let asBob = await app.activate(scene.tenant, scene.body(), auth: bobs)
            #expect(asBob.status == 403 && asBob.errorCode == "403001")
            let byInternal = await app.activate(scene.tenant, scene.body(user: scene.adaID), query: "?identifier_type=internal", auth: bobs)
            #expect(byInternal.status == 403 && byInternal.errorCode == "403001")
            #expect(try await app.activationCounts(scene.tenant.organisationID) == (0, 0))

            let made = await app.activate(scene.tenant, scene.body(), auth: ada)
            #expect(made.status == 200, "\(made.text)")
            let id = try #require(made["id"]?.stringValue)
            let paths: [(HTTPMethod, String, JSONValue?)] = [
                (.GET, "/activations/\(id)", nil),
                (.PUT, "/activations/\(id)/variables", ["dynamicVariables": ["limit": 3]]),
                (.GET, "/integrations/\(scene.integrationID)/users/ada/variables", nil),
                (.PUT, "/integrations/\(scene.integrationID)/users/ada/variables", ["limit": 4]),
                (.GET, "/connection-templates/\(scene.otherTemplateID)/users/ada", nil),
                (.GET, "/embed/\(scene.tenant.hubID)/users/ada/integrations", nil),
                (.GET, "/embed/\(scene.tenant.hubID)/users/ada/integrations/\(scene.integrationID)", nil),
                (.GET, "/embed/\(scene.tenant.hubID)/users/ada/activations", nil),
            ]
            for (method, path, body) in paths {
                let refused = await app.request(method, path, auth: bobs, json: body)
                #expect(refused.status == 403 && refused.errorCode == "403001", "\(method) \(path) \(refused.text)")
                let allowed = await app.request(method, path, auth: ada, json: body)
                #expect((200...204).contains(allowed.status), "\(method) \(path) \(allowed.text)")
            }
            let bobID = try #require(bob["id"]?.stringValue)
            let bobByID = await app.request(
                .GET, "/integrations/\(scene.integrationID)/users/\(bobID)/variables?identifier_type=internal", auth: ada)
            #expect(bobByID.status == 403)
            #expect(await app.request(.DELETE, "/activations/\(id)", auth: bobs).status == 403)
            #expect(await app.request(.DELETE, "/activations/\(id)", auth: ada).status == 204)
        }
    }
}
