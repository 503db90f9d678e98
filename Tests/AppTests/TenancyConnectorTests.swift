@testable import App
import Domain
import HTTP1
import JSON
import TestSupport
import Testing

/// Connect API connectors over a real server and database.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancyConnectorTests {
    static let oauth2: JSONValue = [
        "id": "oauth-1", "description": "OAuth", "schemeType": "oauth2", "authorizeUrl": "https://auth.example.com/authorize",
        "tokenUrl": "https://auth.example.com/token", "scopes": [["name": "read"]], "defaultScopes": ["read"],
        "grant": ["grantType": "authorization_code"],
    ]

    @Test func createGetListAndDelete() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let body: JSONValue = [
                "name": "Shop", "baseUrl": "https://shop.example.com/api",
                "authSchemeConfigs": [Self.oauth2, ["id": "none-1", "description": "", "schemeType": "none"]],
                "connectionVariables": [["name": "region", "value": "eu"]],
            ]
            let created = try await app.expect(201, .POST, "/o/\(org.id)/protocols/http/connectors", org, body)
            let id = try created.string("id")
            #expect(created["organisationId"]?.stringValue == org.id)
            #expect(created["protocol"] == "http" && created["public"] == false)
            #expect(created["baseUrl"] == "https://shop.example.com/api")
            #expect(created["authSchemeConfigs"]?[0]?["tokenUrl"] == "https://auth.example.com/token")
            #expect(created["connectionVariables"]?[0]?["value"] == "eu")
            #expect(created["connections"] == [] && created["versions"] == [])
            #expect(created.headers["Location"] == "/o/\(org.id)/connectors/\(id)")

            let fetched = try await app.expect(200, .GET, "/o/\(org.id)/connectors/\(id)", org)
            #expect(fetched.json == created.json)
            let list = try await app.expect(200, .GET, "/o/\(org.id)/connectors", org)
            #expect(list["totalCount"] == 1 && list["connectors"]?[0]?["id"]?.stringValue == id)

            try await app.expect(204, .DELETE, "/o/\(org.id)/connectors/\(id)", org)
            #expect(try await app.expect(404, .GET, "/o/\(org.id)/connectors/\(id)", org).errorCode == "404003")
        }
    }

    /// `validationMessages` is the server's: what a client sends there is dropped, and every answer that holds a
    /// config (connector, upsert, hub) carries the server's own, `[]`.
    @Test func answeredConfigsCarryTheServersValidationMessages() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let claimed: JSONValue = [["text": "client says fine", "severity": "info"]]
            let config: JSONValue = ["id": "k", "description": "", "schemeType": "api-key", "name": "X-Key", "in": "header",
                                     "validationMessages": claimed]
            let connector = try await app.createConnector(org, authSchemeConfigs: [config])
            let path = "/o/\(org.id)/connectors/\(connector)"
            #expect(try await app.expect(200, .GET, path, org)["authSchemeConfigs"]?[0]?["validationMessages"] == [])
            #expect(try await app.expect(200, .GET, "/o/\(org.id)/connectors", org)["connectors"]?[0]?["authSchemeConfigs"]?[0]?["validationMessages"] == [])
            let upserted = try await app.expect(200, .PUT, path + "/auth-scheme-configs/n", org,
                ["id": "n", "description": "", "schemeType": "none", "validationMessages": claimed])
            #expect(upserted["authSchemeConfigs"]?[0]?["validationMessages"] == [])
            #expect(upserted["authSchemeConfigs"]?[1]?["validationMessages"] == [])
            let hub = try await app.expect(201, .POST, "/hubs", org, [
                "organisationId": .string(org.id), "name": "h", "primaryConnectorId": .string(connector), "authSchemeConfig": config,
            ])
            #expect(hub["primaryConnector"]?["authSchemeConfig"]?["validationMessages"] == [])
            #expect(try await app.expect(200, .GET, "/hubs/\(try hub.string("id"))", org)["primaryConnector"]?["authSchemeConfig"]?["validationMessages"] == [])
        }
    }

    @Test func refusesNULCharactersWithTheirFieldPathsAndWritesNothing() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let body: JSONValue = [
                "name": "a\u{0}bcd", "baseUrl": "https://shop.example.com/api",
                "authSchemeConfigs": [["id": "k\u{0}", "description": "", "schemeType": "none"]],
            ]
            let refused = try await app.expect(400, .POST, "/o/\(org.id)/protocols/http/connectors", org, body)
            #expect(refused.errorCode == "400002")
            #expect(refused["fields"]?[0]?["field"] == "name")
            #expect(refused["fields"]?[1]?["field"] == "authSchemeConfigs[0].id")
            let list = try await app.expect(200, .GET, "/o/\(org.id)/connectors", org)
            #expect(list["totalCount"] == 0)
        }
    }

    @Test func upsertAndDeleteAuthSchemeConfigs() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let id = try await app.createConnector(org)
            let path = "/o/\(org.id)/connectors/\(id)/auth-scheme-configs"
            let added = try await app.expect(200, .PUT, "\(path)/basic-1", org, ["id": "basic-1", "description": "basic", "schemeType": "basic-auth"])
            #expect(added["authSchemeConfigs"]?[1]?["id"] == "basic-1")
            let replaced = try await app.expect(200, .PUT, "\(path)/api-key-1", org, [
                "id": "api-key-1", "description": "moved", "schemeType": "api-key", "name": "key", "in": "query",
            ])
            #expect(replaced["authSchemeConfigs"]?[0]?["in"] == "query")
            #expect(replaced["authSchemeConfigs"]?[2] == nil)
            let mismatch = try await app.expect(400, .PUT, "\(path)/x", org, ["id": "y", "description": "", "schemeType": "none"])
            #expect(mismatch["fields"]?[0]?["field"] == "id")

            let removed = try await app.expect(200, .DELETE, "\(path)/api-key-1", org)
            #expect(removed["authSchemeConfigs"]?[0]?["id"] == "basic-1" && removed["authSchemeConfigs"]?[1] == nil)
            #expect(try await app.expect(404, .DELETE, "\(path)/api-key-1", org).errorCode == "404008")
        }
    }

    @Test func connectorInUseByAHubCannotBeDeleted() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let connector = try await app.createConnector(org)
            let hub = try await app.createHub(org, connectorID: connector)
            #expect(try await app.expect(409, .DELETE, "/o/\(org.id)/connectors/\(connector)", org).errorCode == "409004")
            // The hub uses config "none-1" (see createHub), which the connector does not list; add it, then try to remove it.
            let configs = "/o/\(org.id)/connectors/\(connector)/auth-scheme-configs"
            try await app.expect(200, .PUT, "\(configs)/none-1", org, ["id": "none-1", "description": "", "schemeType": "none"])
            #expect(try await app.expect(409, .DELETE, "\(configs)/none-1", org).errorCode == "409006")
            try await app.expect(200, .DELETE, "\(configs)/api-key-1", org)
            try await app.expect(204, .DELETE, "/hubs/\(hub)", org)
            try await app.expect(204, .DELETE, "/o/\(org.id)/connectors/\(connector)", org)
        }
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let body: JSONValue
        let field: String
        var testDescription: String { field }
    }

    static func withConfigs(_ configs: JSONValue) -> JSONValue {
        ["name": "c", "baseUrl": "https://x.example.com", "authSchemeConfigs": configs]
    }

    static let none: JSONValue = ["id": "a", "description": "", "schemeType": "none"]

    static let invalidCases: [InvalidCase] = [
        InvalidCase(body: ["name": "c", "baseUrl": "ftp://x.example.com", "authSchemeConfigs": []], field: "baseUrl"),
        InvalidCase(body: ["name": "c", "baseUrl": "/relative", "authSchemeConfigs": []], field: "baseUrl"),
        InvalidCase(body: ["baseUrl": "https://x.example.com", "authSchemeConfigs": []], field: "name"),
        InvalidCase(body: ["name": "c", "baseUrl": "https://x.example.com"], field: "authSchemeConfigs"),
        InvalidCase(body: ["name": "c", "baseUrl": "https://x.example.com", "authSchemeConfigs": [], "colour": "red"], field: "colour"),
        InvalidCase(
            body: withConfigs([["id": "a", "description": "", "schemeType": "magic"]]),
            field: "authSchemeConfigs[0].schemeType"),
        InvalidCase(
            body: withConfigs([none, ["id": "b", "description": "", "schemeType": "api-key", "name": "k", "in": "body"]]),
            field: "authSchemeConfigs[1].in"),
        InvalidCase(body: withConfigs([none, none]), field: "authSchemeConfigs[1].id"),
        InvalidCase(
            body: withConfigs([[
                "id": "o", "description": "", "schemeType": "oauth2", "authorizeUrl": "", "tokenUrl": "https://t.example.com",
                "scopes": [], "defaultScopes": [], "grant": ["grantType": "implicit"],
            ]]),
            field: "authSchemeConfigs[0].grant.grantType"),
        InvalidCase(
            body: withConfigs([[
                "id": "h", "description": "", "schemeType": "hmac", "name": "sig", "in": "header", "algorithm": "sha256",
                "digestInputs": ["body", "headers"],
            ]]),
            field: "authSchemeConfigs[0].digestInputs[1]"),
        InvalidCase(body: withConfigs([["description": "", "schemeType": "none"]]), field: "authSchemeConfigs[0].id"),
        InvalidCase(
            body: ["name": "c", "baseUrl": "https://x.example.com", "authSchemeConfigs": [],
                   "connectionVariables": [["name": "v", "value": "1"], ["name": "v", "value": "2"]]],
            field: "connectionVariables[1].name"),
    ]

    @Test(arguments: invalidCases)
    func invalidConnectorsAre400WithTheFieldPath(_ invalid: InvalidCase) async throws {
        let body = invalid.body, field = invalid.field
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let response = try await app.expect(400, .POST, "/o/\(org.id)/protocols/http/connectors", org, body)
            #expect(response.errorCode == "400002")
            #expect(response.errorFields.contains(field), "fields: \(response.errorFields)")
        }
    }
}
