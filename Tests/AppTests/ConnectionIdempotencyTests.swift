@testable import App
import HTTP1
import Cryptography
import JSON
import Postgres
import TestSupport
import Testing

@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionIdempotencyTests {
    @Test func retryReplaysByteForByteAndWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "ida")
            let body = Bodies.create(connectorID: tenant.connectorID)
            let key: HeaderFields = ["Idempotency-Key": "retry-1"]
            let first = await app.createConnection(tenant, user: "ida", body: body, headers: key)
            #expect(first.status == 201)
            let after = try await app.rowCounts(tenant.organisationID)
            let retry = await app.createConnection(tenant, user: "ida", body: body, headers: key)
            #expect(retry.status == 201)
            #expect(retry.body == first.body)
            #expect(retry.headers["Location"] == first.headers["Location"])
            #expect(retry.headers["Idempotent-Replayed"] == "true")
            #expect(try await app.rowCounts(tenant.organisationID) == after)

            let changed = await app.createConnection(
                tenant, user: "ida", body: Bodies.create(connectorID: tenant.connectorID, name: "other"), headers: key)
            #expect(changed.status == 409)
            #expect(changed.errorCode == "409002")
            #expect(try await app.rowCounts(tenant.organisationID) == after)
        }
    }

    @Test func concurrentDuplicatesCreateOnceAndNeverAnswerDifferently() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "jo")
            let body = Bodies.create(connectorID: tenant.connectorID)
            let responses = await withTaskGroup(of: AppResponse.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        await app.createConnection(tenant, user: "jo", body: body, headers: ["Idempotency-Key": "race"])
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            // Each twin either replays the one answer or hears that it is still being made.
            let created = responses.filter { $0.status == 201 }
            #expect(created.count >= 1)
            #expect(Set(created.map(\.body)).count == 1)
            #expect(responses.allSatisfy { $0.status == 201 || $0.errorCode == "409005" }, "\(responses.map(\.status))")
            let counts = try await app.rowCounts(tenant.organisationID)
            #expect(counts.connections == 2)
            #expect(counts.idempotencyKeys == 1)
        }
    }

    @Test func keyInUseOutranksABadBodyAndAFailedRequestFreesItsKey() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "rio")
            let key: HeaderFields = ["Idempotency-Key": "k-\(testID())"]
            // A failure keeps nothing: the same key then works for a good request.
            let failed = await app.createConnection(tenant, user: "rio", body: Bodies.create(connectorID: testID()), headers: key)
            #expect(failed.errorCode == "404003")
            #expect(try await app.rowCounts(tenant.organisationID).idempotencyKeys == 0)
            let good = await app.createConnection(tenant, user: "rio", body: Bodies.create(connectorID: tenant.connectorID), headers: key)
            #expect(good.status == 201)
            // Now the key is taken: another body, even an invalid one, is 409002.
            let invalid = await app.createConnection(tenant, user: "rio", body: ["connectorId": "nope"], headers: key)
            #expect(invalid.errorCode == "409002")
        }
    }

    @Test func aKeyWhoseRequestIsRunningIsInProgress() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "sol")
            let body = Bodies.create(connectorID: tenant.connectorID)
            let path = "/hubs/\(tenant.hubID)/users/sol/connections"
            try await app.context.database.withConnection { connection in
                _ = try await connection.query("""
                    INSERT INTO idempotency_keys (organisation_id, key, scope, request_hash, status, headers, body)
                    VALUES (\(tenant.organisationID), 'running', \("POST " + path), \(Digest.sha256(body.serialized())),
                            0, '{}', ''::bytea)
                    """)
            }
            let twin = await app.createConnection(tenant, user: "sol", body: body, headers: ["Idempotency-Key": "running"])
            #expect(twin.status == 409)
            #expect(twin.errorCode == "409005")
            #expect(twin.headers["Retry-After"] == "1")
            // A claim older than two minutes belongs to a request that died: the key is free again.
            try await app.context.database.withConnection { connection in
                _ = try await connection.query("""
                    UPDATE idempotency_keys SET created_at = now() - interval '3 minutes'
                    WHERE organisation_id = \(tenant.organisationID)
                    """)
            }
            let retry = await app.createConnection(tenant, user: "sol", body: body, headers: ["Idempotency-Key": "running"])
            #expect(retry.status == 201, "\(retry.text)")
        }
    }

    @Test func sameKeyOnAnotherUserIsAnotherScope() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "kay")
            _ = try await app.createEndUser(tenant, externalID: "lee")
            let body = Bodies.create(connectorID: tenant.connectorID)
            let key: HeaderFields = ["Idempotency-Key": "shared"]
            let first = await app.createConnection(tenant, user: "kay", body: body, headers: key)
            let second = await app.createConnection(tenant, user: "lee", body: body, headers: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first["id"] != second["id"])
        }
    }
}
