@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// Events are written in the same statement or transaction as the change they report: present with every
/// committed change, absent from every refused or rolled-back one, the group-committed create included. The
/// webhooks here point at loopback names the shared app's outbound rules refuse; no worker runs in this suite.
@Suite(.enabled(if: ConnectionsApp.isAvailable))
struct WebhookOutboxTests {
    @Test func createWritesConnectionCreatedWithIdsAndNamesOnly() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
            let onlyDeleted = try await app.createWebhook(tenant, url: "https://localhost:9/other", events: ["connection.deleted"])
            let user = try await app.createEndUser(tenant, externalID: "ada", secret: "PRIMARY-SECRET-1")
            let userID = try #require(user["id"]?.stringValue)
            let response = await app.createConnection(
                tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "second", secret: "EVENT-SECRET-1"))
            #expect(response.status == 201, "\(response.text)")
            let connectionID = try #require(response["id"]?.stringValue)

            let events = try await app.events(tenant.organisationID)
            #expect(events.map(\.type) == ["connection.created", "connection.created"])
            // The end user's primary connection (CreateEndUser), then the one created on its own.
            let primary = try #require(events.first?.data)
            #expect(primary["endUser"] == ["id": .string(userID), "externalId": "ada"])
            #expect(primary["connection"]?["name"] == "primary")
            let data = try #require(events.last?.data)
            #expect(data == [
                "connection": ["id": .string(connectionID), "name": "second"],
                "endUser": ["id": .string(userID), "externalId": "ada"],
                "connector": ["id": .string(tenant.connectorID), "name": "connector"],
                "hub": ["id": .string(tenant.hubID), "name": "hub"],
            ])
            let text = String(decoding: JSONValue.array(events.map(\.data)).serialized(), as: UTF8.self)
            #expect(!text.contains("EVENT-SECRET-1") && !text.contains("PRIMARY-SECRET-1"))
            // One delivery per subscribed webhook: the one filtered to deletions gets none.
            #expect(try await app.deliveries(webhookID: webhook.id).map(\.eventID) == events.map(\.id))
            #expect(try await app.deliveries(webhookID: onlyDeleted.id).isEmpty)
        }
    }

    @Test func refusedCreatesWriteNoEvent() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let before = try await app.events(tenant.organisationID).count
            // Found only by the one-statement create: the name is taken, the user or connector missing.
            let taken = await app.createConnection(
                tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "primary"))
            #expect(taken.status == 409, "\(taken.text)")
            let noUser = await app.createConnection(tenant, user: "nobody", body: Bodies.create(connectorID: tenant.connectorID))
            #expect(noUser.status == 404)
            let noConnector = await app.createConnection(tenant, user: "ada", body: Bodies.create(connectorID: testID()))
            #expect(noConnector.status == 404)
            // The two-step path, with an Idempotency-Key.
            let keyed = await app.createConnection(
                tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "primary"),
                headers: ["Idempotency-Key": "k-\(testID())"])
            #expect(keyed.status == 409)
            let duplicateUser = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth, json: Bodies.endUser(externalID: "ada", secret: "x"))
            #expect(duplicateUser.status == 409)
            #expect(try await app.events(tenant.organisationID).count == before)
        }
    }

    /// Creates racing for the same names through the group-committed path: creates that commit together share
    /// one transaction, and each event commits exactly when its connection does.
    @Test func concurrentCreatesWriteOneEventPerConnection() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let grouped = app.context.database.writeCounts.pipelined
            let statuses = await withTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        await app.createConnection(
                            tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "c\(index % 8)")).status
                    }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 8, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses)")
            #expect(app.context.database.writeCounts.pipelined > grouped, "the creates took the group-commit path")
            let connections = try await app.context.database.withConnection { connection in
                try await connection.query(
                    "SELECT id FROM connections WHERE organisation_id = \(tenant.organisationID)").rows.map { try $0.string("id") }
            }
            let created = try await app.events(tenant.organisationID).filter { $0.type == "connection.created" }
            let reported = created.compactMap { $0.data["connection"]?["id"]?.stringValue }
            #expect(Set(reported) == Set(connections))
            #expect(reported.count == connections.count)
        }
    }

    @Test func deleteWritesConnectionDeletedAndAMissOrRollbackWritesNone() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook", events: ["connection.deleted"])
            let user = try await app.createEndUser(tenant, externalID: "ada")
            let userID = try #require(user["id"]?.stringValue)
            let connectionID = try #require(user["primaryConnection"]?["id"]?.stringValue)
            // A second connection to the primary connector, so the first is not the last one (409011).
            _ = await app.createConnection(tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "backup"))
            let missing = await app.request(
                .DELETE, "/hubs/\(tenant.hubID)/users/ada/connections/\(testID())", auth: tenant.auth)
            #expect(missing.status == 404)
            #expect(try await app.events(tenant.organisationID).filter { $0.type == "connection.deleted" }.isEmpty)

            let deleted = await app.request(
                .DELETE, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)", auth: tenant.auth)
            #expect(deleted.status == 204)
            let events = try await app.events(tenant.organisationID).filter { $0.type == "connection.deleted" }
            #expect(events.count == 1)
            #expect(events.first?.data == [
                "connection": ["id": .string(connectionID), "name": "primary"],
                "endUser": ["id": .string(userID), "externalId": "ada"],
                "connector": ["id": .string(tenant.connectorID), "name": "connector"],
                "hub": ["id": .string(tenant.hubID), "name": "hub"],
            ])
            #expect(try await app.deliveries(webhookID: webhook.id).map(\.eventID) == events.map(\.id))

            // A transaction that rolls back takes its event with it.
            let before = try await app.events(tenant.organisationID).count
            await #expect(throws: (any Error).self) {
                try await app.context.database.withTransaction { connection in
                    try await WebhookOutbox.append(
                        .connectionDeleted, organisationID: tenant.organisationID, data: ["probe": true], on: connection)
                    throw FixtureError("roll back")
                }
            }
            #expect(try await app.events(tenant.organisationID).count == before)
        }
    }

    /// Deleting an end user or a hub deletes connections by cascade: each gets its event, in the same transaction.
    @Test func endUserAndHubDeletionsReportEveryConnectionTheyTake() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createWebhook(tenant, url: "https://localhost:9/hook", events: ["connection.deleted"])
            let ada = try await app.createEndUser(tenant, externalID: "ada")
            let second = await app.createConnection(tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID))
            #expect(second.status == 201)
            let bob = try await app.createEndUser(tenant, externalID: "bob")
            _ = try await app.createEndUser(tenant, externalID: "cyd")
            let deletedIDs = { () async throws -> [String] in
                try await app.events(tenant.organisationID).filter { $0.type == "connection.deleted" }
                    .compactMap { $0.data["connection"]?["id"]?.stringValue }
            }

            let user = await app.request(.DELETE, "/hubs/\(tenant.hubID)/users/ada", auth: tenant.auth)
            #expect(user.status == 204)
            let adaConnections = [ada["primaryConnection"]?["id"]?.stringValue, second["id"]?.stringValue].compactMap { $0 }
            #expect(Set(try await deletedIDs()) == Set(adaConnections))
            #expect(try await deletedIDs().count == 2)
            let event = try #require(try await app.events(tenant.organisationID).last)
            #expect(event.data["endUser"]?["externalId"] == "ada")
            #expect(event.data["hub"] == ["id": .string(tenant.hubID), "name": "hub"])

            let hub = await app.request(.DELETE, "/hubs/\(tenant.hubID)", auth: tenant.auth)
            #expect(hub.status == 204)
            #expect(try await deletedIDs().count == 4)
            #expect(try await deletedIDs().contains(try #require(bob["primaryConnection"]?["id"]?.stringValue)))
            let missing = await app.request(.DELETE, "/hubs/\(tenant.hubID)", auth: tenant.auth)
            #expect(missing.status == 404)
            #expect(try await deletedIDs().count == 4)
        }
    }

    @Test func aWebhookReceivesOnlyEventsWrittenAfterItWasCreated() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "before-any-webhook")
            #expect(try await app.events(tenant.organisationID).isEmpty, "an event nobody subscribes to is not stored")
            let early = try await app.createWebhook(tenant, url: "https://localhost:9/early")
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let late = try await app.createWebhook(tenant, url: "https://localhost:9/late")
            _ = try await app.createEndUser(tenant, externalID: "bob")
            let events = try await app.events(tenant.organisationID)
            #expect(events.count == 2)
            #expect(try await app.deliveries(webhookID: early.id).map(\.eventID) == events.map(\.id))
            #expect(try await app.deliveries(webhookID: late.id).map(\.eventID) == [events[1].id])

            // Deleting a webhook deletes its deliveries, not the events.
            _ = await app.request(.DELETE, "/o/\(tenant.organisationID)/webhooks/\(early.id)", auth: tenant.auth)
            #expect(try await app.deliveries(webhookID: early.id).isEmpty)
            #expect(try await app.events(tenant.organisationID).count == 2)
        }
    }
}
