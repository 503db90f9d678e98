@testable import App
import Cryptography
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// The webhook routes over the real server and database: subscribe, list, delete, deliveries, and every refusal
/// with its code and field path, leaving nothing behind.
@Suite(.enabled(if: ConnectionsApp.isAvailable))
struct WebhookRouteTests {
    @Test func createShowsTheSecretOnceAndStoresItSealed() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let response = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth, json: [
                "url": "https://hooks.example.com/in?tenant=1", "events": ["connection.created", "activation.deleted"],
                "description": "back office",
            ])
            #expect(response.status == 201, "\(response.text)")
            let id = try #require(response["id"]?.stringValue)
            let secret = try #require(response["secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_"))
            #expect(Base64.decode(String(secret.dropFirst(6)))?.count == 32)
            #expect(response.headers["Location"] == "/o/\(tenant.organisationID)/webhooks/\(id)")
            #expect(response["organisationId"]?.stringValue == tenant.organisationID)
            #expect(response["url"] == "https://hooks.example.com/in?tenant=1")
            #expect(response["events"] == ["connection.created", "activation.deleted"])
            #expect(response["description"] == "back office")
            #expect(response["createdAt"]?.stringValue?.hasSuffix("Z") == true)

            let listed = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth)
            #expect(listed.status == 200)
            #expect(listed["totalCount"] == 1)
            #expect(listed["webhooks"]?[0]?["id"]?.stringValue == id)
            #expect(listed["webhooks"]?[0]?["secret"] == nil)
            #expect(!listed.text.contains(secret))

            // At rest: sealed under the key ring, bound to this organisation and webhook.
            let sealed = try await app.context.database.withConnection { connection in
                try #require(try await connection.query(
                    "SELECT sealed_secret FROM webhooks WHERE id = \(id)").rows.first).bytes("sealed_secret")
            }
            let bytes = try #require(Base64.decode(String(secret.dropFirst(6))))
            #expect(!sealed.contains(subsequence: bytes))
            let opened = try WebhookSecret.open(
                sealed, with: app.context.keyRing, organisationID: tenant.organisationID, webhookID: id)
            #expect(opened.bytes == bytes)
            #expect(throws: (any Error).self) {
                try WebhookSecret.open(sealed, with: app.context.keyRing, organisationID: tenant.organisationID, webhookID: testID())
            }
            #expect(!app.logs.all.contains(secret))
        }
    }

    @Test func listPagesAndDeleteRemovesOnlyTheCallersWebhook() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await app.createWebhook(tenant, url: "https://hooks.example.com/\(index)").id)
            }
            let first = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks?first=2", auth: tenant.auth)
            #expect(first["totalCount"] == 3)
            #expect(first["webhooks"]?.count == 2)
            let next = try #require(first["next"]?.stringValue)
            let second = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks?first=2&after=\(next)", auth: tenant.auth)
            #expect(second["webhooks"]?[0]?["id"]?.stringValue == ids[2])
            #expect(second["prev"] != nil)

            // Another organisation's key: 404 for its own path, 404007 for ours.
            let foreign = await app.request(.DELETE, "/o/\(other.organisationID)/webhooks/\(ids[0])", auth: other.auth)
            #expect(foreign.status == 404)
            #expect(foreign.errorCode == "404013")
            let wrongOrganisation = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks", auth: other.auth)
            #expect(wrongOrganisation.errorCode == "404007")

            let deleted = await app.request(.DELETE, "/o/\(tenant.organisationID)/webhooks/\(ids[0])", auth: tenant.auth)
            #expect(deleted.status == 204)
            let again = await app.request(.DELETE, "/o/\(tenant.organisationID)/webhooks/\(ids[0])", auth: tenant.auth)
            #expect(again.errorCode == "404013")
            let notAnID = await app.request(.DELETE, "/o/\(tenant.organisationID)/webhooks/nope", auth: tenant.auth)
            #expect(notAnID.errorCode == "404013")
            #expect(try await app.webhookCount(tenant.organisationID) == 2)
            let deliveries = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks/\(ids[0])/deliveries", auth: tenant.auth)
            #expect(deliveries.errorCode == "404013")
        }
    }

    @Test func endUserTokensAreRefused() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let auth = try tenant.endUserAuth("ada")
            let created = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: auth, json: [
                "url": "https://hooks.example.com/", "events": ["connection.created"],
            ])
            #expect(created.status == 403)
            #expect(created.errorCode == "403001")
            let listed = await app.request(.GET, "/o/\(tenant.organisationID)/webhooks", auth: auth)
            #expect(listed.status == 403)
            #expect(try await app.webhookCount(tenant.organisationID) == 0)
        }
    }

    @Test(arguments: [
        (["events": ["connection.created"]], "400002", ["url"]),
        (["url": 5, "events": ["connection.created"]], "400002", ["url"]),
        (["url": "hooks.example.com/x", "events": ["connection.created"]], "400002", ["url"]),
        (["url": "ftp://hooks.example.com/", "events": ["connection.created"]], "400002", ["url"]),
        (["url": "https://user@hooks.example.com/", "events": ["connection.created"]], "400002", ["url"]),
        (["url": "https://hooks.example.com/"], "400002", ["events"]),
        (["url": "https://hooks.example.com/", "events": []], "400002", ["events"]),
        (["url": "https://hooks.example.com/", "events": "connection.created"], "400002", ["events"]),
        (["url": "https://hooks.example.com/", "events": ["connection.created", "user.exploded", 3]], "400002",
         ["events[1]", "events[2]"]),
        (["url": "https://hooks.example.com/", "events": ["connection.created", "connection.created"]], "400002",
         ["events[1]"]),
        (["url": "https://hooks.example.com/", "events": ["connection.created"], "description": ["x"]], "400002",
         ["description"]),
        (["url": "https://hooks.example.com/", "events": ["connection.created"], "secret": "whsec_mine"], "400002",
         ["secret"]),
        (["url": "http://hooks.example.com/", "events": ["connection.created"]], "400040", ["url"]),
        (["url": "http://hooks.example.com/", "events": []], "400002", ["events", "url"]),
        (["url": "https://127.0.0.1:8443/", "events": ["connection.created"]], "400040", ["url"]),
        (["url": "https://[::1]/", "events": ["connection.created"]], "400040", ["url"]),
        (["url": "https://169.254.169.254/latest", "events": ["connection.created"]], "400040", ["url"]),
    ] as [(JSONValue, String, [String])])
    func refusesBadBodies(body: JSONValue, code: String, fields: [String]) async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let response = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth, json: body)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorCode == code)
            #expect(response.errorFields == fields)
            #expect(try await app.webhookCount(tenant.organisationID) == 0)
        }
    }

    @Test func plainHTTPAndPrivateAddressesWhereTheOutboundRulesAllowThem() async throws {
        try await withConnectionsApp(configure: { $0.outboundAllowPrivateNetworks = true }) { app in
            let tenant = try await app.makeTenant()
            let local = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth, json: [
                "url": "http://127.0.0.1:9/hook", "events": ["connection.created"],
            ])
            #expect(local.status == 201, "\(local.text)")
            // The allow-list (loopback in tests) still refuses anything outside it.
            let outside = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth, json: [
                "url": "http://10.0.0.1/hook", "events": ["connection.created"],
            ])
            #expect(outside.errorCode == "400040")
            #expect(try await app.webhookCount(tenant.organisationID) == 1)
        }
    }

    @Test func malformedBodiesAreRefusedBeforeAnyWrite() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let notJSON = await app.send(
                .POST, "/o/\(tenant.organisationID)/webhooks",
                headers: ["Authorization": tenant.auth["Authorization"] ?? "", "Content-Type": "application/json"],
                body: Array("{".utf8))
            #expect(notJSON.errorCode == "400001")
            let array = await app.request(.POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth, json: [])
            #expect(array.errorCode == "400001")
            #expect(try await app.webhookCount(tenant.organisationID) == 0)
        }
    }
}
