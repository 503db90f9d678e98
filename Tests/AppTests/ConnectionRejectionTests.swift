@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// Every refusal of CreateEndUserConnection, each also proving that nothing was written.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionRejectionTests {
    /// Sends `body` to `target` (relative to the tenant's hub) and checks status, code and unchanged rows.
    private func expectRefused(
        _ app: ConnectionsApp, _ tenant: TestTenant, path: String? = nil, body: JSONValue,
        headers: HeaderFields = [:], status: Int, code: String, fields: [String]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await app.rowCounts(tenant.organisationID)
        let response = await app.request(
            .POST, path ?? "/hubs/\(tenant.hubID)/users/zed/connections", auth: tenant.auth, json: body,
            headers: headers)
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == code, sourceLocation: sourceLocation)
        if let fields { #expect(response.errorFields == fields, sourceLocation: sourceLocation) }
        #expect(try await app.rowCounts(tenant.organisationID) == before, sourceLocation: sourceLocation)
        #expect(!response.text.contains("s3cr3t-value"), sourceLocation: sourceLocation)
        #expect(!app.logs.all.contains("s3cr3t-value"), sourceLocation: sourceLocation)
    }

    @Test func unknownOrForeignHubUserConnectorAndCredential() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "zed")
            _ = try await app.createEndUser(other, externalID: "zed")
            let body = Bodies.create(connectorID: tenant.connectorID)
            try await expectRefused(app, tenant, path: "/hubs/\(testID())/users/zed/connections", body: body,
                                    status: 404, code: "404001")
            try await expectRefused(app, tenant, path: "/hubs/\(other.hubID)/users/zed/connections", body: body,
                                    status: 404, code: "404001")
            try await expectRefused(app, tenant, path: "/hubs/\(tenant.hubID)/users/nobody/connections", body: body,
                                    status: 404, code: "404002")
            try await expectRefused(app, tenant, body: Bodies.create(connectorID: testID()), status: 404, code: "404003")
            try await expectRefused(app, tenant, body: Bodies.create(connectorID: other.connectorID),
                                    status: 404, code: "404003")
            let foreignCredential = try #require(
                try await app.createEndUser(other, externalID: "amy")["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "ref", action: [Bodies.entry(Bodies.apiKeyScheme(), ["id": foreignCredential])]),
            ], status: 404, code: "404004", fields: ["connection.credentials.action[0].credential.id"])
        }
    }

    @Test func referencedCredentialOfTheWrongTypeIsInvalid() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let user = try await app.createEndUser(tenant, externalID: "zed")
            let stringCredential = try #require(user["primaryConnection"]?["credentials"]?["action"]?[0]?["credential"]?["id"])
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "ref", action: [Bodies.entry(Bodies.basicScheme(), ["id": stringCredential])]),
            ], status: 400, code: "400002", fields: ["connection.credentials.action[0].credential"])
        }
    }

    @Test func invalidBodiesNameTheirFields() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "zed")
            // A string scheme with a basic-auth credential, and a missing secret value.
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "bad", action: [
                    Bodies.entry(Bodies.apiKeyScheme(), Bodies.basicCredential(password: "s3cr3t-value")),
                ]),
            ], status: 400, code: "400002")
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "bad", action: [
                    Bodies.entry(Bodies.apiKeyScheme(), ["name": "k", "type": "string", "data": [:]]),
                ]),
            ], status: 400, code: "400002", fields: ["connection.credentials.action[0].credential.data.value"])
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "none", action: []),
            ], status: 400, code: "400002")
            try await expectRefused(app, tenant, body: [
                "connectorId": .string(tenant.connectorID), "surprise": true,
                "connection": Bodies.connection(name: "x", action: [Bodies.entry(Bodies.apiKeyScheme(), Bodies.stringCredential("s3cr3t-value"))]),
            ], status: 400, code: "400002", fields: ["surprise"])
        }
    }

    @Test func badIdentifierTypeAndIdempotencyKey() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "zed")
            let body = Bodies.create(connectorID: tenant.connectorID)
            try await expectRefused(app, tenant, path: "/hubs/\(tenant.hubID)/users/zed/connections?identifier_type=email",
                                    body: body, status: 400, code: "400003")
            try await expectRefused(app, tenant, body: body, headers: ["Idempotency-Key": String(repeating: "k", count: 256)],
                                    status: 400, code: "400005")
            try await expectRefused(app, tenant, body: body, headers: ["Idempotency-Key": "has space"],
                                    status: 400, code: "400005")
        }
    }
}
