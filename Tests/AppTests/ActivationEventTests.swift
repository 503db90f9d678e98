@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// `activation.created` and `activation.deleted` are written in the transaction that makes or removes the
/// activation, a refused activation writes none, and an end user's deletion reports the activations it takes.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ActivationEventTests {
    static let types = ["activation.created", "activation.deleted", "connection.created"]

    @Test func activatingAndDeletingWriteTheirEventsWithIdsAndNamesOnly() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            _ = try await app.createWebhook(scene.tenant, url: "https://localhost:9/hook", events: Self.types)
            let made = await app.activate(scene.tenant, scene.body(secret: "EVENT-ACTIVATION-SECRET"))
            #expect(made.status == 200, "\(made.text)")
            let id = try #require(made["id"]?.stringValue)
            // The activation's new connection reports itself too, in the same transaction.
            #expect(try await app.events(scene.tenant.organisationID).map(\.type) == ["connection.created", "activation.created"])
            let created = try #require(try await app.events(scene.tenant.organisationID).last?.data)
            #expect(created["activation"] == ["id": .string(id)])
            #expect(created["integration"]?["id"] == .string(scene.integrationID))
            #expect(created["endUser"] == ["id": .string(scene.adaID), "externalId": "ada"])
            #expect(created["hub"]?["id"] == .string(scene.tenant.hubID))
            #expect(!String(decoding: created.serialized(), as: UTF8.self).contains("EVENT-ACTIVATION-SECRET"))

            #expect(await app.request(.DELETE, "/activations/\(id)", auth: scene.tenant.auth).status == 204)
            let deleted = try #require(try await app.events(scene.tenant.organisationID).last)
            #expect(deleted.type == "activation.deleted" && deleted.data["activation"] == ["id": .string(id)])
        }
    }

    @Test func aRefusedActivationWritesNoEvent() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            _ = try await app.createWebhook(scene.tenant, url: "https://localhost:9/hook", events: Self.types)
            let refused = await app.activate(scene.tenant, scene.body(variables: ["limit": 0]))
            #expect(refused.status == 400)
            #expect(try await app.events(scene.tenant.organisationID).isEmpty)
        }
    }

    @Test func deletingTheEndUserReportsItsActivations() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let made = await app.activate(scene.tenant, scene.body())
            let id = try #require(made["id"]?.stringValue)
            _ = try await app.createWebhook(scene.tenant, url: "https://localhost:9/hook", events: ["activation.deleted"])
            #expect(await app.request(.DELETE, "/hubs/\(scene.tenant.hubID)/users/ada", auth: scene.tenant.auth).status == 204)
            let events = try await app.events(scene.tenant.organisationID)
            #expect(events.map(\.type) == ["activation.deleted"])
            #expect(events.first?.data["activation"] == ["id": .string(id)])
        }
    }

    @Test func deletingAnUndeployedIntegrationReportsItsActivations() async throws {
        try await withConnectionsApp { app in
            let scene = try await ActivationScene.make(app)
            let id = try #require(await app.activate(scene.tenant, scene.body())["id"]?.stringValue)
            _ = try await app.createWebhook(scene.tenant, url: "https://localhost:9/hook", events: ["activation.deleted"])
            let path = "/integrations/\(scene.integrationID)"
            #expect(await app.request(.PATCH, path, auth: scene.tenant.auth, json: ["isDeployed": false]).status == 200)
            #expect(await app.request(.DELETE, path, auth: scene.tenant.auth).status == 204)
            let events = try await app.events(scene.tenant.organisationID)
            #expect(events.map(\.type) == ["activation.deleted"])
            #expect(events.first?.data["activation"] == ["id": .string(id)])
        }
    }
}
