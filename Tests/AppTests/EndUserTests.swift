@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct EndUserTests {
    @Test func createReturnsUserWithPrimaryConnection() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let response = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth,
                json: Bodies.endUser(externalID: "quinn", secret: "USER-SECRET"))
            #expect(response.status == 201, "\(response.text)")
            let id = try #require(response["id"]?.stringValue)
            #expect(response["externalId"] == "quinn")
            #expect(response["displayName"] == "Ada Lovelace")
            #expect(response["hubId"]?.stringValue == tenant.hubID)
            #expect(response.headers["Location"] == "/hubs/\(tenant.hubID)/users/\(id)?identifier_type=internal")
            let primary = try #require(response["primaryConnection"])
            #expect(primary["name"] == "primary")
            #expect(primary["credentials"]?["action"]?[0]?["credential"]?["data"] == ["value": ""])
            #expect(!response.text.contains("USER-SECRET"))

            let fetched = await app.request(.GET, "/hubs/\(tenant.hubID)/users/quinn", auth: tenant.auth)
            #expect(fetched.status == 200)
            #expect(fetched["primaryConnection"]?["id"] == primary["id"])
            #expect(fetched["createdAt"] == response["createdAt"])
            let byID = await app.request(.GET, "/hubs/\(tenant.hubID)/users/\(id)?identifier_type=internal", auth: tenant.auth)
            #expect(byID["externalId"] == "quinn")
            let bad = await app.request(.GET, "/hubs/\(tenant.hubID)/users/quinn?identifier_type=uuid", auth: tenant.auth)
            #expect(bad.errorCode == "400003")
            #expect(await app.request(.GET, "/hubs/\(tenant.hubID)/users/nobody", auth: tenant.auth).errorCode == "404002")
            #expect(await app.request(.GET, "/hubs/\(testID())/users/quinn", auth: tenant.auth).errorCode == "404001")
        }
    }

    /// `%00` in a path or query parameter is refused (400009) before the handler, naming the parameter: libpq
    /// would end the value at the NUL, so `/users/alice%00x` would answer alice.
    @Test func nulInAPathOrQueryParameterIs400NotATruncatedMatch() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "alice")
            let users = "/hubs/\(tenant.hubID)/users"
            #expect(await app.request(.GET, users + "/alice", auth: tenant.auth).status == 200)
            for (target, field) in [
                (users + "/alice%00x", "user_id"), (users + "/alice%00", "user_id"),
                ("/hubs/\(tenant.hubID)%00/users/alice", "hub_id"), (users + "/alice/connections/x%00", "connection_id"),
                (users + "?search=ali%00", "search"), (users + "/alice?identifier_type=external%00", "identifier_type"),
                (users + "?a%00b=1", "a%00b"),
            ] {
                let refused = await app.request(.GET, target, auth: tenant.auth)
                #expect(refused.status == 400, "\(target): \(refused.text)")
                #expect(refused.errorCode == "400009", "\(target)")
                #expect(refused.errorFields == [field], "\(target)")
            }
            // Other escapes still decode.
            #expect(await app.request(.GET, users + "/%61lice", auth: tenant.auth).status == 200)
        }
    }

    @Test func createWithoutPrimaryConnectionIsRefusedAndWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let before = try await app.rowCounts(tenant.organisationID)
            let refused = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth, json: ["externalId": "una", "displayName": "Una"])
            #expect(refused.status == 400 && refused.errorCode == "400002")
            #expect(refused.errorFields == ["primaryConnection"])
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }

    /// `primaryConnection` is required in every EndUser answer: the last connection to the hub's primary
    /// connector cannot be deleted, and when an older one goes the next oldest takes its place.
    @Test func theLastPrimaryConnectorConnectionStays() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let otherConnector = try await app.makeConnector(tenant.organisationID, auth: tenant.auth)
            let user = try await app.createEndUser(tenant, externalID: "vic")
            let base = "/hubs/\(tenant.hubID)/users/vic"
            let primary = try #require(user["primaryConnection"]?["id"]?.stringValue)
            let before = try await app.rowCounts(tenant.organisationID)
            let refused = await app.request(.DELETE, base + "/connections/\(primary)", auth: tenant.auth)
            #expect(refused.status == 409 && refused.errorCode == "409011")
            #expect(refused.errorFields == ["connection_id"])
            #expect(try await app.rowCounts(tenant.organisationID) == before)

            let other = await app.createConnection(tenant, user: "vic", body: Bodies.create(connectorID: otherConnector))
            #expect(await app.request(.DELETE, try #require(other.headers["Location"]), auth: tenant.auth).status == 204)
            let backup = await app.createConnection(tenant, user: "vic", body: Bodies.create(connectorID: tenant.connectorID, name: "backup"))
            let backupID = try #require(backup["id"]?.stringValue)
            #expect(await app.request(.DELETE, base + "/connections/\(primary)", auth: tenant.auth).status == 204)
            let fetched = await app.request(.GET, base, auth: tenant.auth)
            #expect(fetched.status == 200 && fetched["primaryConnection"]?["id"]?.stringValue == backupID)
            #expect(await app.request(.DELETE, base + "/connections/\(backupID)", auth: tenant.auth).errorCode == "409011")
        }
    }

    /// Deletions of one user's connections take turns on the user's row: of three concurrent deletions of their
    /// three primary-connector connections, exactly one is refused and one connection is left.
    @Test func concurrentDeletionsLeaveOnePrimaryConnection() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let user = try await app.createEndUser(tenant, externalID: "wyn")
            var ids = [try #require(user["primaryConnection"]?["id"]?.stringValue)]
            for name in ["second", "third"] {
                let created = await app.createConnection(tenant, user: "wyn", body: Bodies.create(connectorID: tenant.connectorID, name: name))
                ids.append(try #require(created["id"]?.stringValue))
            }
            let base = "/hubs/\(tenant.hubID)/users/wyn"
            let codes = await withTaskGroup(of: String.self) { group in
                for id in ids {
                    group.addTask {
                        let answer = await app.request(.DELETE, base + "/connections/\(id)", auth: tenant.auth)
                        return answer.status == 204 ? "204" : answer.errorCode ?? "\(answer.status)"
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(codes.sorted() == ["204", "204", "409011"])
            let left = await app.request(.GET, base + "/connections", auth: tenant.auth)
            #expect(left["totalCount"] == 1)
            #expect(await app.request(.GET, base, auth: tenant.auth)["primaryConnection"]?["id"] == left["connections"]?[0]?["id"])
        }
    }

    @Test func duplicateExternalIDIsConflictAndWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "rae")
            let before = try await app.rowCounts(tenant.organisationID)
            let again = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth, json: Bodies.endUser(externalID: "rae", secret: "x"))
            #expect(again.status == 409)
            #expect(again.errorCode == "409003")
            let unknownHub = await app.request(
                .POST, "/hubs/\(testID())/users", auth: tenant.auth, json: Bodies.endUser(externalID: "sam", secret: "x"))
            #expect(unknownHub.errorCode == "404001")
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }

    @Test func listPagesAndSearchesIgnoringCase() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            for name in ["tom", "Tina", "uma", "val"] { _ = try await app.createEndUser(tenant, externalID: name) }
            let base = "/hubs/\(tenant.hubID)/users"
            let all = await app.request(.GET, base + "?first=3", auth: tenant.auth)
            #expect(all["totalCount"] == 4)
            #expect(all["users"]?.count == 3)
            #expect(all["users"]?[0]?["primaryConnection"] == nil)
            let next = try #require(all["next"]?.stringValue)
            let rest = await app.request(.GET, base + "?first=3&after=\(next)", auth: tenant.auth)
            #expect(rest["users"]?.count == 1)
            // ULIDs never contain I, L, O or U, so these terms cannot match an id by chance.
            let search = await app.request(.GET, base + "?search=TIN", auth: tenant.auth)
            #expect(search["totalCount"] == 1)
            #expect(search["users"]?[0]?["externalId"] == "Tina")
            let byName = await app.request(.GET, base + "?search=lOVE", auth: tenant.auth)
            #expect(byName["totalCount"] == 4)
            #expect(await app.request(.GET, base + "?first=0", auth: tenant.auth).errorCode == "400004")
        }
    }

    @Test func deleteRemovesConnectionsAndUnsharedCredentials() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let keeper = try await app.createEndUser(tenant, externalID: "wes")
            let shared = try #require(keeper["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            _ = try await app.createEndUser(tenant, externalID: "xia")
            let extra = await app.createConnection(tenant, user: "xia", body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "uses-shared", action: [Bodies.entry(Bodies.apiKeyScheme(), ["id": shared])]),
            ])
            #expect(extra.status == 201)
            let before = try await app.rowCounts(tenant.organisationID)
            #expect(await app.request(.DELETE, "/hubs/\(tenant.hubID)/users/xia", auth: tenant.auth).status == 204)
            let after = try await app.rowCounts(tenant.organisationID)
            #expect(after.endUsers == before.endUsers - 1)
            #expect(after.connections == before.connections - 2)
            #expect(after.credentials == before.credentials - 1)  // xia's own; wes's shared one stays
            #expect(await app.request(.GET, "/hubs/\(tenant.hubID)/users/xia", auth: tenant.auth).errorCode == "404002")
            #expect(await app.request(.GET, "/hubs/\(tenant.hubID)/users/wes", auth: tenant.auth).status == 200)
        }
    }
}
