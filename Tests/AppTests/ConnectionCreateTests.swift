@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionCreateTests {
    @Test func createsConnectionWithSealedSecretAndLocation() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "ada")
            let response = await app.createConnection(
                tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, secret: "TOPSECRET-1"))
            #expect(response.status == 201, "\(response.text)")
            let id = try #require(response["id"]?.stringValue)
            let user = await app.request(.GET, "/hubs/\(tenant.hubID)/users/ada", auth: tenant.auth)
            let userID = try #require(user["id"]?.stringValue)
            #expect(response.headers["Location"] == "/hubs/\(tenant.hubID)/users/\(userID)/connections/\(id)?identifier_type=internal")
            #expect(response["name"] == "main")
            #expect(response["variables"] == [["name": "region", "value": "eu"]])
            let binding = try #require(response["credentials"]?["action"]?[0])
            #expect(binding["id"]?.stringValue?.count == 26)
            #expect(binding["authSchemeConfig"]?["schemeType"] == "api-key")
            #expect(binding["authSchemeConfig"]?["validationMessages"] != nil)
            let credential = try #require(binding["credential"])
            #expect(credential["organisationId"]?.stringValue == tenant.organisationID)
            #expect(credential["type"] == "string")
            #expect(credential["data"] == ["value": ""])
            #expect(credential["errors"] == [])
            #expect(response["credentials"]?["trigger"] == [])
            #expect(response["createdAt"]?.stringValue?.hasSuffix("Z") == true)
            #expect(!response.text.contains("TOPSECRET-1"))
            try await VaultProbe.expectSealed(
                app, credentialID: try #require(credential["id"]?.stringValue), organisationID: tenant.organisationID,
                secrets: ["value": "TOPSECRET-1"])
            #expect(!app.logs.all.contains("TOPSECRET-1"))
        }
    }

    @Test func internalIdentifierAndExistingCredentialReference() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let user = try await app.createEndUser(tenant, externalID: "bob", secret: "PRIMARY-SECRET")
            let userID = try #require(user["id"]?.stringValue)
            let existing = try #require(user["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"])
            let credentialID = try #require(existing["id"]?.stringValue)
            let body: JSONValue = [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(
                    name: "shared", action: [Bodies.entry(Bodies.apiKeyScheme(), ["id": .string(credentialID)])]),
            ]
            let before = try await app.rowCounts(tenant.organisationID)
            let response = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users/\(userID)/connections?identifier_type=internal",
                auth: tenant.auth, json: body)
            #expect(response.status == 201, "\(response.text)")
            #expect(response.headers["Location"]?.hasSuffix("?identifier_type=internal") == true)
            #expect(response["credentials"]?["action"]?[0]?["credential"] == existing)
            var expected = before
            expected.connections += 1
            expected.bindings += 1
            #expect(try await app.rowCounts(tenant.organisationID) == expected)
        }
    }

    @Test func duplicateNameIsConflictAndWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "cy")
            let first = await app.createConnection(tenant, user: "cy", body: Bodies.create(connectorID: tenant.connectorID))
            #expect(first.status == 201)
            let before = try await app.rowCounts(tenant.organisationID)
            let second = await app.createConnection(tenant, user: "cy", body: Bodies.create(connectorID: tenant.connectorID))
            #expect(second.status == 409)
            #expect(second.errorCode == "409001")
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }

    @Test func concurrentCreatesOfOneNameMakeExactlyOne() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "dee")
            let statuses = await withTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let response = await app.createConnection(
                            tenant, user: "dee", body: Bodies.create(connectorID: tenant.connectorID, secret: "s\(index)"))
                        return (response.status, response.errorCode)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1)
            #expect(statuses.filter { $0.0 == 409 && $0.1 == "409001" }.count == 7, "\(statuses)")
            let counts = try await app.rowCounts(tenant.organisationID)
            #expect(counts.connections == 2)   // primary + one
            #expect(counts.credentials == 2)
        }
    }

    @Test func contentTypeMustBeJSON() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "eve")
            let before = try await app.rowCounts(tenant.organisationID)
            let response = await app.send(
                .POST, "/hubs/\(tenant.hubID)/users/eve/connections",
                headers: tenant.auth + ["Content-Type": "text/plain"], body: Bodies.create(connectorID: tenant.connectorID).serialized())
            #expect(response.status == 415)
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }

    @Test func oauth2CodeAtARefusedTokenEndpointWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "fay")
            // The real exchanger: a loopback token endpoint is refused by the outbound guard before any request.
            var scheme = ConnectionOAuthCodeTests.scheme
            if case .object(var object) = scheme {
                object["tokenUrl"] = "http://127.0.0.1:9/token"
                scheme = .object(object)
            }
            let credential: JSONValue = ["name": "code", "type": "oauth2-code", "data": ["code": "abc", "state": "xyz"]]
            let before = try await app.rowCounts(tenant.organisationID)
            let response = await app.createConnection(tenant, user: "fay", body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(scheme, credential)]),
            ])
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorCode == "400006")
            #expect(!response.text.contains("CODE-123") && !response.text.contains("CLIENT-SECRET-1"))
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }
}

extension HeaderFields {
    static func + (lhs: HeaderFields, rhs: HeaderFields) -> HeaderFields {
        var all = lhs
        for field in rhs { all.add(name: field.name, value: field.value) }
        return all
    }
}
