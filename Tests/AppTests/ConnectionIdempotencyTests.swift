@testable import App
import HTTP1
import JSON
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

    @Test func concurrentDuplicatesCreateOnceAndAllGetTheSameAnswer() async throws {
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
            #expect(responses.allSatisfy { $0.status == 201 }, "\(responses.map(\.status))")
            #expect(Set(responses.map(\.body)).count == 1)
            let counts = try await app.rowCounts(tenant.organisationID)
            #expect(counts.connections == 2)
            #expect(counts.idempotencyKeys == 1)
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
