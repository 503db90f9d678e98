@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// ListEndUserIntegrations, GetEmbeddedIntegration and ListEndUserActivations: what an embedded UI shows one
/// end user.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct EmbedTests {
    @Test func listsTheHubsIntegrationsByDeploymentWithActivationPerUser() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let tenant = scene.tenant
            let deployed = try await app.insertIntegration(tenant, name: "deployed", imageURL: "https://img.example.com/d.png")
            let draft = try await app.insertIntegration(tenant, name: "draft", deployed: false)
            // Another hub's integration is not listed.
            let otherHub = await app.request(.POST, "/hubs", auth: tenant.auth, json: [
                "name": "other", "primaryConnectorId": .string(tenant.connectorID),
                "authSchemeConfig": ["id": "none-1", "description": "", "schemeType": "none"],
            ])
            _ = try await app.insertIntegration(tenant, hubID: try #require(otherHub["id"]?.stringValue))
            #expect(await app.activate(tenant, scene.body()).status == 200)

            let base = "/embed/\(tenant.hubID)/users/ada/integrations"
            let all = await app.request(.GET, base, auth: tenant.auth)
            #expect(all.status == 200, "\(all.text)")
            #expect(all["totalCount"] == 3)
            #expect(all["totalConnected"] == 1)
            let items = try #require(all["integrations"]?.arrayValue)
            // Listed in id order.
            #expect(items.compactMap { $0["id"]?.stringValue } == [scene.integrationID, deployed, draft].sorted())
            func item(_ id: String) -> JSONValue? { items.first { $0["id"]?.stringValue == id } }
            #expect(item(scene.integrationID)?["isActivated"] == true)
            #expect(item(deployed)?["isActivated"] == false && item(draft)?["isActivated"] == false)
            #expect(item(deployed)?["isDeployed"] == true && item(draft)?["isDeployed"] == false)
            #expect(item(scene.integrationID)?["variablesSchema"] == ActivationScene.schema)
            #expect(item(deployed)?.objectValue?.keys.contains("variablesSchema") == false)
            #expect(item(deployed)?["imageUrl"] == "https://img.example.com/d.png")
            #expect(item(draft)?["imageUrl"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true)
            #expect(item(draft)?["description"] == "syncs contacts")

            let onlyDeployed = await app.request(.GET, base + "?deployed=true", auth: tenant.auth)
            #expect(onlyDeployed["integrations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [scene.integrationID, deployed].sorted())
            #expect(onlyDeployed["totalConnected"] == 1)
            let undeployed = await app.request(.GET, base + "?deployed=false", auth: tenant.auth)
            #expect(undeployed["integrations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [draft])
            #expect(undeployed["totalCount"] == 1 && undeployed["totalConnected"] == 0)
            let bad = await app.request(.GET, base + "?deployed=yes", auth: tenant.auth)
            #expect(bad.status == 400 && bad.errorCode == "400004" && bad.errorFields == ["deployed"])

            let page1 = await app.request(.GET, base + "?first=2", auth: tenant.auth)
            #expect(page1["integrations"]?.count == 2 && page1["totalCount"] == 3)
            let next = try #require(page1["next"]?.stringValue)
            let page2 = await app.request(.GET, base + "?first=2&after=\(next)", auth: tenant.auth)
            #expect(page2["integrations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [[scene.integrationID, deployed, draft].sorted()[2]])

            _ = try await app.createEndUser(tenant, externalID: "bob")
            let bobs = await app.request(.GET, "/embed/\(tenant.hubID)/users/bob/integrations", auth: tenant.auth)
            #expect(bobs["totalConnected"] == 0)
            #expect(bobs["integrations"]?.arrayValue?.map { $0["isActivated"] } == [false, false, false])
            let nobody = await app.request(.GET, "/embed/\(tenant.hubID)/users/nobody/integrations", auth: tenant.auth)
            #expect(nobody.status == 404 && nobody.errorCode == "404002")
        }
    }

    @Test func anEmbeddedIntegrationCarriesItsUsedTemplates() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let tenant = scene.tenant
            let path = "/embed/\(tenant.hubID)/users/ada/integrations/\(scene.integrationID)"
            let before = await app.request(.GET, path, auth: tenant.auth)
            #expect(before.status == 200, "\(before.text)")
            #expect(before["isActivated"] == false)
            let templates = try #require(before["connectionTemplates"]?.arrayValue)
            // Metadata never set: every template is used.
            #expect(templates.compactMap { $0["id"]?.stringValue } == [scene.primaryTemplateID, scene.otherTemplateID].sorted())
            let primary = try #require(templates.first { $0["id"]?.stringValue == scene.primaryTemplateID })
            #expect(primary["isPrimary"] == true && primary["isUsed"] == true)
            #expect(primary["name"] == "connector" && primary["connectorId"]?.stringValue == tenant.connectorID)
            #expect(primary["imageUrl"]?.stringValue?.isEmpty == false)
            #expect(primary["authSchemeConfig"] == Bodies.apiKeyScheme())
            let other = try #require(templates.first { $0["id"]?.stringValue == scene.otherTemplateID })
            #expect(other["isPrimary"] == false)

            try await app.setUsedTemplates(integrationID: scene.integrationID, [scene.otherTemplateID])
            let narrowed = await app.request(.GET, path, auth: tenant.auth)
            #expect(narrowed["connectionTemplates"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [scene.otherTemplateID])

            let body = Bodies.activation(user: "ada", integrationID: scene.integrationID,
                                         connections: [Bodies.newEntry(templateID: scene.otherTemplateID)], variables: ["limit": 1])
            #expect(await app.activate(tenant, body).status == 200)
            #expect(await app.request(.GET, path, auth: tenant.auth)["isActivated"] == true)

            let unknown = await app.request(.GET, "/embed/\(tenant.hubID)/users/ada/integrations/\(testID())", auth: tenant.auth)
            #expect(unknown.status == 404 && unknown.errorCode == "404009")
        }
    }

    @Test func listsTheUsersActivationsFilteredByIntegration() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let tenant = scene.tenant
            let second = try await app.insertIntegration(tenant, name: "second")
            let first = await app.activate(tenant, scene.body())
            let other = await app.activate(tenant, Bodies.activation(user: "ada", integrationID: second, connections: []))
            #expect(first.status == 200 && other.status == 200)
            let base = "/embed/\(tenant.hubID)/users/ada/activations"
            let all = await app.request(.GET, base, auth: tenant.auth)
            #expect(all.status == 200, "\(all.text)")
            #expect(all["totalCount"] == 2)
            // Activation ids are ULIDs made in order.
            let ids = all["activations"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(ids == [first["id"], other["id"]].compactMap { $0?.stringValue })
            #expect(all["activations"]?[0]?["hubId"]?.stringValue == tenant.hubID)
            #expect(all["activations"]?[0]?["integration"]?["id"]?.stringValue == scene.integrationID)
            #expect(all["activations"]?[0]?["integration"]?["isActivated"] == true)
            let filtered = await app.request(.GET, base + "?integration_id=\(second)", auth: tenant.auth)
            #expect(filtered["totalCount"] == 1)
            #expect(filtered["activations"]?[0]?["id"] == other["id"])
            let page = await app.request(.GET, base + "?first=1", auth: tenant.auth)
            #expect(page["activations"]?.count == 1 && page["next"] != nil)
            _ = try await app.createEndUser(tenant, externalID: "bob")
            let bobs = await app.request(.GET, "/embed/\(tenant.hubID)/users/bob/activations", auth: tenant.auth)
            #expect(bobs["totalCount"] == 0 && bobs["activations"] == [])
        }
    }

    @Test func thePlaceholderImageLivesUnderThePublicBaseURL() async throws {
        try await withConnectionsApp(configure: { $0.publicBaseURL = "https://api.example.com" }) { app in
            let scene = try await ActivationScene.make(app)
            let listed = await app.request(.GET, "/embed/\(scene.tenant.hubID)/users/ada/integrations", auth: scene.tenant.auth)
            #expect(listed["integrations"]?[0]?["imageUrl"] == "https://api.example.com/images/placeholder.svg")
        }
    }
}
