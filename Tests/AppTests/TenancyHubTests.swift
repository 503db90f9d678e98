@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// Embedded API hubs over a real server and database.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancyHubTests {
    @Test func createGetListUpdateAndDelete() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org, name: "CRM")
            let body: JSONValue = [
                "organisationId": .string(org.id), "name": "Main", "primaryConnectorId": .string(connector),
                "authSchemeConfig": ["id": "k", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header"],
            ]
            let created = try await app.expect(201, .POST, "/hubs", org, body)
            let id = try created.string("id")
            #expect(created["name"] == "Main" && created["isDefault"] == false)
            #expect(created["primaryConnector"]?["connectorId"]?.stringValue == connector)
            #expect(created["primaryConnector"]?["name"] == "CRM")
            #expect(created["primaryConnector"]?["authSchemeConfig"]?["schemeType"] == "api-key")
            #expect(created["primaryConnector"]?["variables"] == [])
            #expect(created.headers["Location"] == "/hubs/\(id)")

            #expect(try await app.expect(200, .GET, "/hubs/\(id)", org).json == created.json)
            let list = try await app.expect(200, .GET, "/o/\(org.id)/hubs", org)
            #expect(list["totalCount"] == 1 && list["hubs"]?[0]?["id"]?.stringValue == id)

            let renamed = try await app.expect(200, .PATCH, "/hubs/\(id)", org, ["name": "Renamed"])
            #expect(renamed["name"] == "Renamed" && renamed["isDefault"] == false)
            #expect(try await app.expect(400, .PATCH, "/hubs/\(id)", org, ["name": ""]).errorFields == ["name"])
            #expect(try await app.expect(400, .PATCH, "/hubs/\(id)", org, ["primaryConnectorId": "x"]).errorFields == ["primaryConnectorId"])

            try await app.expect(204, .DELETE, "/hubs/\(id)", org)
            #expect(try await app.expect(404, .GET, "/hubs/\(id)", org).errorCode == "404001")
        }
    }

    /// The reference answers every hub: without `first` no default page size applies.
    @Test func listWithoutFirstAnswersEveryHub() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let count = PageRequest.defaultSize + 2
            for index in 0..<count { _ = try await app.createHub(org, connectorID: connector, name: "h\(index)") }
            let whole = try await app.expect(200, .GET, "/o/\(org.id)/hubs", org)
            #expect(whole["hubs"]?.count == count && whole["totalCount"] == .number(Double(count)))
            #expect(whole["next"] == nil && whole["prev"] == nil)
            #expect(whole["hubs"]?[count - 1]?["name"] == .string("h\(count - 1)"))
            let paged = try await app.expect(200, .GET, "/o/\(org.id)/hubs?first=\(PageRequest.defaultSize)", org)
            #expect(paged["hubs"]?.count == PageRequest.defaultSize && paged["next"] != nil)
            let rest = try await app.expect(200, .GET, "/o/\(org.id)/hubs?after=\(try paged.string("next"))", org)
            #expect(rest["hubs"]?.count == 2 && rest["next"] == nil && rest["prev"] != nil)
            #expect(try await app.expect(400, .GET, "/o/\(org.id)/hubs?first=101", org).errorCode == "400004")
        }
    }

    @Test func atMostOneDefaultHub() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let first = try await app.createHub(org, connectorID: connector, name: "one")
            let second = try await app.createHub(org, connectorID: connector, name: "two")
            #expect(try await app.expect(200, .PATCH, "/hubs/\(first)", org, ["isDefault": true])["isDefault"] == true)
            #expect(try await app.expect(200, .PATCH, "/hubs/\(second)", org, ["isDefault": true])["isDefault"] == true)
            #expect(try await app.expect(200, .GET, "/hubs/\(first)", org)["isDefault"] == false)
            #expect(try await app.expect(200, .PATCH, "/hubs/\(second)", org, ["isDefault": false])["isDefault"] == false)
        }
    }

    @Test func concurrentDefaultChangesLeaveExactlyOneDefault() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            var hubs: [String] = []
            for index in 0..<6 { hubs.append(try await app.createHub(org, connectorID: connector, name: "h\(index)")) }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for hub in hubs {
                    group.addTask { try await app.request(.PATCH, "/hubs/\(hub)", headers: org.auth, json: ["isDefault": true]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: hubs.count))
            let list = try await app.expect(200, .GET, "/o/\(org.id)/hubs", org)
            let defaults = (0..<hubs.count).filter { list["hubs"]?[$0]?["isDefault"] == true }
            #expect(defaults.count == 1)
        }
    }

    @Test func createValidatesWithFieldPaths() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let bad: JSONValue = [
                "organisationId": .string(org.id), "name": "h", "primaryConnectorId": .string(connector),
                "authSchemeConfig": ["id": "x", "description": "", "schemeType": "api-key", "name": "k"],
            ]
            #expect(try await app.expect(400, .POST, "/hubs", org, bad).errorFields == ["authSchemeConfig.in"])
            let missing: JSONValue = ["organisationId": .string(org.id), "primaryConnectorId": .string(connector)]
            #expect(Set(try await app.expect(400, .POST, "/hubs", org, missing).errorFields) == ["name", "authSchemeConfig"])
            let unknownConnector: JSONValue = [
                "organisationId": .string(org.id), "name": "h", "primaryConnectorId": .string(ULID.generate().string),
                "authSchemeConfig": ["id": "n", "description": "", "schemeType": "none"],
            ]
            #expect(try await app.expect(404, .POST, "/hubs", org, unknownConnector).errorCode == "404003")
        }
    }

    @Test func deleteCascadesToEndUsers() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let hub = try await app.createHub(org)
            let userID = ULID.generate().string
            let orgID = org.id
            _ = try await app.context.database.withConnection { connection in
                try await connection.query("""
                    INSERT INTO end_users (id, organisation_id, hub_id, external_id) VALUES (\(userID), \(orgID), \(hub), 'ext-1')
                    """)
            }
            try await app.expect(204, .DELETE, "/hubs/\(hub)", org)
            let remaining = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT count(*) AS n FROM end_users WHERE id = \(userID)").rows[0].int("n")
            }
            #expect(remaining == 0)
        }
    }
}

/// Deleting a hub removes the credentials only its connections used, and keeps those another hub still binds.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancyHubDeletionTests {
    @Test func deleteRemovesCredentialsNothingElseUses() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let doomedHub = try await app.createHub(org, connectorID: connector)
            let keptHub = try await app.createHub(org, connectorID: connector)
            let (onlyDoomed, shared) = (ULID.generate().string, ULID.generate().string)
            let organisationID = org.id
            try await app.context.database.withTransaction { connection in
                for id in [onlyDoomed, shared] {
                    _ = try await connection.query("""
                        INSERT INTO credentials (id, organisation_id, name, type, sealed_secrets, key_version)
                        VALUES (\(id), \(organisationID), 'c', 'string', '\\x00'::bytea, 'test1')
                        """)
                }
                for (hub, credentials) in [(doomedHub, [onlyDoomed, shared]), (keptHub, [shared])] {
                    let (user, connectionID) = (ULID.generate().string, ULID.generate().string)
                    _ = try await connection.query("""
                        INSERT INTO end_users (id, organisation_id, hub_id, external_id) VALUES (\(user), \(organisationID), \(hub), 'u')
                        """)
                    _ = try await connection.query("""
                        INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name)
                        VALUES (\(connectionID), \(organisationID), \(user), \(connector), 'c')
                        """)
                    for (position, credential) in credentials.enumerated() {
                        _ = try await connection.query("""
                            INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position, auth_scheme_config)
                            VALUES (\(ULID.generate().string), \(connectionID), \(credential), 'action', \(position), '{}'::jsonb)
                            """)
                    }
                }
            }
            try await app.expect(204, .DELETE, "/hubs/\(doomedHub)", org)
            let remaining = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT id FROM credentials WHERE organisation_id = \(organisationID)").rows.map { try $0.string("id") }
            }
            #expect(remaining == [shared])
        }
    }
}
