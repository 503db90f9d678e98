@testable import App
import Domain
import HTTP1
import JSON
import TestSupport
import Testing

/// Nothing of one organisation is visible to another: every foreign, unknown or malformed id answers 404 (an id
/// that decodes to a NUL is refused before any lookup, with 400).
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancyIsolationTests {
    @Test func everyIdOfAnotherOrganisationIs404() async throws {
        try await withTestApp { app in
            let owner = try await app.createOrganisation()
            let other = try await app.createOrganisation()
            let key = try await app.createSigningKey(owner).id
            let connector = try await app.createConnector(owner)
            let hub = try await app.createHub(owner, connectorID: connector)
            let none: JSONValue = ["id": "n", "description": "", "schemeType": "none"]
            let checks: [(HTTPMethod, String, JSONValue?, String)] = [
                // The owner's organisation in the path.
                (.GET, "/organisations/\(owner.id)/keys", nil, "404007"),
                (.POST, "/organisations/\(owner.id)/keys", ["name": "k"], "404007"),
                (.DELETE, "/organisations/\(owner.id)/keys/\(key)", nil, "404007"),
                (.GET, "/o/\(owner.id)/connectors", nil, "404007"),
                (.GET, "/o/\(owner.id)/connectors/\(connector)", nil, "404007"),
                (.POST, "/o/\(owner.id)/protocols/http/connectors", ["name": "c", "baseUrl": "https://x.example.com", "authSchemeConfigs": []], "404007"),
                (.GET, "/o/\(owner.id)/hubs", nil, "404007"),
                // The owner's ids under the other organisation's own path.
                (.DELETE, "/organisations/\(other.id)/keys/\(key)", nil, "404006"),
                (.GET, "/o/\(other.id)/connectors/\(connector)", nil, "404003"),
                (.DELETE, "/o/\(other.id)/connectors/\(connector)", nil, "404003"),
                (.PUT, "/o/\(other.id)/connectors/\(connector)/auth-scheme-configs/n", none, "404003"),
                (.DELETE, "/o/\(other.id)/connectors/\(connector)/auth-scheme-configs/api-key-1", nil, "404003"),
                (.GET, "/hubs/\(hub)", nil, "404001"),
                (.PATCH, "/hubs/\(hub)", ["name": "mine now"], "404001"),
                (.DELETE, "/hubs/\(hub)", nil, "404001"),
                (.POST, "/hubs", ["organisationId": .string(owner.id), "name": "h", "primaryConnectorId": .string(connector), "authSchemeConfig": none], "404007"),
                (.POST, "/hubs", ["organisationId": .string(other.id), "name": "h", "primaryConnectorId": .string(connector), "authSchemeConfig": none], "404003"),
                // Malformed and unknown ids.
                (.GET, "/hubs/not-a-ulid", nil, "404001"),
                (.GET, "/hubs/\(ULID.generate().string)", nil, "404001"),
                (.GET, "/keys/%00", nil, "400009"),
                (.GET, "/keys/\(ULID.generate().string)", nil, "404006"),
                (.GET, "/o/\(other.id)/connectors/\(connector.lowercased())", nil, "404003"),
                (.GET, "/o/not-an-org/hubs", nil, "404007"),
            ]
            for (method, path, body, code) in checks {
                let response = try await app.request(method, path, headers: other.auth, json: body)
                #expect(response.status == Int(code.prefix(3)) && response.errorCode == code, "\(method) \(path): \(response.status) \(response.text)")
            }
            // The other organisation's lists are empty, and the owner's resources are untouched.
            #expect(try await app.expect(200, .GET, "/o/\(other.id)/hubs", other)["totalCount"] == 0)
            #expect(try await app.expect(200, .GET, "/o/\(other.id)/connectors", other)["totalCount"] == 0)
            #expect(try await app.expect(200, .GET, "/organisations/\(other.id)/keys", other)["totalCount"] == 0)
            #expect(try await app.expect(200, .GET, "/hubs/\(hub)", owner)["name"] == "Test hub")
            // Public keys are public (openapi.yaml): served to anyone, with or without credentials.
            #expect(try await app.request(.GET, "/keys/\(key)")["id"]?.stringValue == key)
        }
    }
}
