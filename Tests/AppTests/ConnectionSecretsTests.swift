@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// Secrets are split exactly: the secret fields sealed, everything else public, nothing secret shown or logged.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionSecretsTests {
    @Test func basicAuthPasswordIsSealedAndUsernameStaysPublic() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "una")
            let response = await app.createConnection(tenant, user: "una", body: [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(
                    name: "basic", action: [Bodies.entry(Bodies.basicScheme(), Bodies.basicCredential(password: "PW-9f8e7d"))],
                    trigger: [Bodies.entry(Bodies.apiKeyScheme(), Bodies.stringCredential("TRIGGER-KEY-1"))]),
            ])
            #expect(response.status == 201, "\(response.text)")
            let basic = try #require(response["credentials"]?["action"]?[0]?["credential"])
            #expect(basic["data"] == ["username": "ada", "password": ""])
            let trigger = try #require(response["credentials"]?["trigger"]?[0]?["credential"])
            #expect(trigger["data"] == ["value": ""])
            try await VaultProbe.expectSealed(
                app, credentialID: try #require(basic["id"]?.stringValue), organisationID: tenant.organisationID,
                secrets: ["password": "PW-9f8e7d"])
            try await VaultProbe.expectSealed(
                app, credentialID: try #require(trigger["id"]?.stringValue), organisationID: tenant.organisationID,
                secrets: ["value": "TRIGGER-KEY-1"])
            let listed = await app.request(.GET, "/hubs/\(tenant.hubID)/users/una", auth: tenant.auth)
            for text in [response.text, listed.text, app.logs.all] {
                #expect(!text.contains("PW-9f8e7d"))
                #expect(!text.contains("TRIGGER-KEY-1"))
            }
            // The idempotency table stores the answer: it must not hold secrets either.
            let stored = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT count(*) AS n FROM idempotency_keys WHERE position('PW-9f8e7d' in convert_from(body, 'UTF8')) > 0").rows[0].int("n")
            }
            #expect(stored == 0)
        }
    }

    @Test func expiredIdempotencyKeyCanBeUsedAgain() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "vic")
            let key: HeaderFields = ["Idempotency-Key": "old-key"]
            let first = await app.createConnection(tenant, user: "vic", body: Bodies.create(connectorID: tenant.connectorID), headers: key)
            #expect(first.status == 201)
            try await app.context.database.withConnection { connection in
                _ = try await connection.query("""
                    UPDATE idempotency_keys SET created_at = now() - interval '25 hours'
                    WHERE organisation_id = \(tenant.organisationID)
                    """)
            }
            let later = await app.createConnection(
                tenant, user: "vic", body: Bodies.create(connectorID: tenant.connectorID, name: "later"), headers: key)
            #expect(later.status == 201, "\(later.text)")
            #expect(later["id"] != first["id"])
            #expect(later.headers["Idempotent-Replayed"] == nil)
        }
    }

    @Test func createEndUserHonoursIdempotencyKeysAndIsForAPIKeysOnly() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            let body = Bodies.endUser(externalID: "wyn", secret: "x")
            let key: HeaderFields = ["Idempotency-Key": "user-1"]
            let first = await app.request(.POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth, json: body, headers: key)
            let retry = await app.request(.POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth, json: body, headers: key)
            #expect(first.status == 201)
            #expect(retry.status == 201)
            #expect(retry.body == first.body)
            #expect(try await app.rowCounts(tenant.organisationID).endUsers == 1)
            let asUser = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users", auth: try tenant.endUserAuth("wyn"), json: Bodies.endUser(externalID: "xan", secret: "x"))
            #expect(asUser.status == 403)
        }
    }
}
