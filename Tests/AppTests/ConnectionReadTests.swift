@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionReadTests {
    @Test func listFiltersByConnectorAndPages() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let otherConnector = try await app.makeConnector(tenant.organisationID, auth: tenant.auth)
            _ = try await app.createEndUser(tenant, externalID: "lia")
            for name in ["a", "b", "c"] {
                #expect(await app.createConnection(tenant, user: "lia", body: Bodies.create(connectorID: otherConnector, name: name)).status == 201)
            }
            let base = "/hubs/\(tenant.hubID)/users/lia/connections"
            let all = await app.request(.GET, base, auth: tenant.auth)
            #expect(all.status == 200)
            #expect(all["totalCount"] == 4)
            let filtered = await app.request(.GET, base + "?hub_connector_id=\(otherConnector),\(testID())", auth: tenant.auth)
            #expect(filtered["totalCount"] == 3)
            #expect(filtered["connections"]?[0]?["name"] == "a")
            #expect(filtered["connections"]?[0]?["credentials"] == nil)

            let page1 = await app.request(.GET, base + "?hub_connector_id=\(otherConnector)&first=2", auth: tenant.auth)
            #expect(page1["connections"]?.count == 2)
            // The first page counts beside its rows (a window), later ones apart: both count past the page.
            #expect(page1["totalCount"] == 3)
            #expect(page1["prev"] == nil)
            let next = try #require(page1["next"]?.stringValue)
            let page2 = await app.request(.GET, base + "?hub_connector_id=\(otherConnector)&first=2&after=\(next)", auth: tenant.auth)
            #expect(page2["connections"]?.count == 1)
            #expect(page2["totalCount"] == 3)
            #expect(page2["connections"]?[0]?["name"] == "c")
            #expect(page2["next"] == nil)
            let prev = try #require(page2["prev"]?.stringValue)
            let back = await app.request(.GET, base + "?hub_connector_id=\(otherConnector)&first=2&before=\(prev)", auth: tenant.auth)
            #expect(back["connections"]?[0]?["name"] == "a")
            #expect(back["connections"]?[1]?["name"] == "b")
        }
    }

    /// Connector ids are ULIDs: one in lower case still matches, anything else is refused rather than matching
    /// nothing; the parameter may repeat, and an empty one filters nothing.
    @Test func connectorFilterTakesOnlyConnectorIDs() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let otherConnector = try await app.makeConnector(tenant.organisationID, auth: tenant.auth)
            _ = try await app.createEndUser(tenant, externalID: "ivo")
            #expect(await app.createConnection(tenant, user: "ivo", body: Bodies.create(connectorID: otherConnector)).status == 201)
            let base = "/hubs/\(tenant.hubID)/users/ivo/connections"
            for filter in ["not-a-ulid", "\(otherConnector),", "\(otherConnector),,\(tenant.connectorID)", "\(otherConnector)%20"] {
                let refused = await app.request(.GET, base + "?hub_connector_id=\(filter)", auth: tenant.auth)
                #expect(refused.status == 400 && refused.errorCode == "400004", "\(filter)")
                #expect(refused.errorFields == ["hub_connector_id"], "\(filter)")
            }
            let lower = await app.request(.GET, base + "?hub_connector_id=\(otherConnector.lowercased())", auth: tenant.auth)
            #expect(lower.status == 200 && lower["totalCount"] == 1)
            let both = "?hub_connector_id=\(otherConnector)&hub_connector_id=\(tenant.connectorID)"
            #expect(await app.request(.GET, base + both, auth: tenant.auth)["totalCount"] == 2)
            #expect(await app.request(.GET, base + "?hub_connector_id=", auth: tenant.auth)["totalCount"] == 2)
        }
    }

    /// The path, the count and the page come from one statement: each part must still answer on its own.
    @Test func listAnswersEmptyPagesAndThePathsOwn404s() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "noa")
            // CreateEndUser made the primary connection; a filter on another connector leaves none.
            let none = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/noa/connections?hub_connector_id=\(testID())", auth: tenant.auth)
            #expect(none.status == 200)
            #expect(none["totalCount"] == 0)
            #expect(none["connections"] == [])
            #expect(none["next"] == nil && none["prev"] == nil)
            let noUser = await app.request(.GET, "/hubs/\(tenant.hubID)/users/nobody/connections", auth: tenant.auth)
            #expect(noUser.status == 404 && noUser.errorCode == "404002")
            let noHub = await app.request(.GET, "/hubs/\(testID())/users/noa/connections", auth: tenant.auth)
            #expect(noHub.status == 404 && noHub.errorCode == "404001")
            let users = await app.request(.GET, "/hubs/\(tenant.hubID)/users?search=no-such-user", auth: tenant.auth)
            #expect(users.status == 200 && users["totalCount"] == 0 && users["users"] == [])
            let noHubUsers = await app.request(.GET, "/hubs/\(testID())/users", auth: tenant.auth)
            #expect(noHubUsers.status == 404 && noHubUsers.errorCode == "404001")
        }
    }

    @Test func getReturnsWhatCreateReturnedWithoutSecrets() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "max")
            let created = await app.createConnection(
                tenant, user: "max", body: Bodies.create(connectorID: tenant.connectorID, secret: "GET-SECRET"))
            let location = try #require(created.headers["Location"])
            let fetched = await app.request(.GET, location, auth: tenant.auth)
            #expect(fetched.status == 200)
            #expect(fetched["id"] == created["id"])
            // Stored JSON keeps its member order, so GET answers exactly what POST did.
            #expect(fetched.text == created.text)
            #expect(fetched["credentials"]?["action"]?[0]?["credential"] == created["credentials"]?["action"]?[0]?["credential"])
            #expect(fetched["credentials"]?["action"]?[0]?["authSchemeConfig"]?["name"] == "X-Key")
            #expect(fetched["createdAt"] == created["createdAt"])
            #expect(!fetched.text.contains("GET-SECRET"))
            let missing = await app.request(.GET, "/hubs/\(tenant.hubID)/users/max/connections/\(testID())", auth: tenant.auth)
            #expect(missing.errorCode == "404005")
        }
    }

    @Test func deleteRemovesConnectionAndOnlyUnsharedCredentials() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let user = try await app.createEndUser(tenant, externalID: "ned")
            let shared = try #require(user["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            let created = await app.createConnection(tenant, user: "ned", body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "two", action: [
                    Bodies.entry(Bodies.apiKeyScheme("a"), ["id": shared]),
                    Bodies.entry(Bodies.apiKeyScheme("b"), Bodies.stringCredential("own-secret")),
                ]),
            ])
            #expect(created.status == 201, "\(created.text)")
            let before = try await app.rowCounts(tenant.organisationID)
            let location = try #require(created.headers["Location"])
            #expect(await app.request(.DELETE, location, auth: tenant.auth).status == 204)
            let after = try await app.rowCounts(tenant.organisationID)
            #expect(after.connections == before.connections - 1)
            #expect(after.bindings == before.bindings - 2)
            #expect(after.credentials == before.credentials - 1)   // the shared one stays
            #expect(await app.request(.DELETE, location, auth: tenant.auth).errorCode == "404005")
        }
    }

    @Test func endUserTokensReachOnlyTheirOwnUser() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            let own = try await app.createEndUser(tenant, externalID: "ola")
            let other = try await app.createEndUser(tenant, externalID: "pat")
            let token = try tenant.endUserAuth("ola")
            let base = "/hubs/\(tenant.hubID)/users"
            let mine = await app.request(.POST, base + "/ola/connections", auth: token, json: Bodies.create(connectorID: tenant.connectorID))
            #expect(mine.status == 201)
            #expect(await app.request(.GET, base + "/ola/connections", auth: token).status == 200)
            #expect(await app.request(.GET, base + "/ola", auth: token)["externalId"] == "ola")
            let ownID = try #require(own["id"]?.stringValue)
            #expect(await app.request(.GET, base + "/\(ownID)/connections?identifier_type=internal", auth: token).status == 200)
            var before = try await app.rowCounts(tenant.organisationID)
            let theirs = await app.request(.POST, base + "/pat/connections", auth: token, json: Bodies.create(connectorID: tenant.connectorID))
            #expect(theirs.status == 403)
            // A token cannot borrow another user's credential by id, but may reuse its own.
            let theirCredential = try #require(other["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            let ownCredential = try #require(own["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            func reference(_ id: JSONValue, _ name: String) -> JSONValue {
                ["connectorId": .string(tenant.connectorID),
                 "connection": Bodies.connection(name: name, action: [Bodies.entry(Bodies.apiKeyScheme(), ["id": id])])]
            }
            let borrowed = await app.request(.POST, base + "/ola/connections", auth: token, json: reference(theirCredential, "borrow"))
            #expect(borrowed.errorCode == "404004")
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            let reused = await app.request(.POST, base + "/ola/connections", auth: token, json: reference(ownCredential, "reuse"))
            #expect(reused.status == 201)
            before.connections += 1
            before.bindings += 1
            let otherID = try #require(other["id"]?.stringValue)
            #expect(await app.request(.GET, base + "/\(otherID)/connections?identifier_type=internal", auth: token).status == 403)
            #expect(await app.request(.GET, base + "/\(testID())?identifier_type=internal", auth: token).status == 403)
            #expect(await app.request(.DELETE, base + "/pat", auth: token).status == 403)
            #expect(await app.request(.GET, base, auth: token).status == 403)
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }
}
