@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// On a path naming the end user by internal id, the end-user token is checked against the path before an
/// `Idempotency-Key` is replayed or answered 409, so a token can neither read another end user's stored answer
/// nor learn that a key was used.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct IdempotencyReplayAuthorizationTests {
    @Test func anotherUsersStoredAnswerIsNotReplayedToAToken() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            let victimID = try #require(try await app.createEndUser(tenant, externalID: "victim")["id"]?.stringValue)
            _ = try await app.createEndUser(tenant, externalID: "mallory")
            let target = "/hubs/\(tenant.hubID)/users/\(victimID)/connections?identifier_type=internal"
            let key: HeaderFields = ["Idempotency-Key": "victim-key-1"]
            let body = Bodies.create(connectorID: tenant.connectorID)
            let first = await app.request(.POST, target, auth: tenant.auth, json: body, headers: key)
            #expect(first.status == 201, "\(first.text)")
            let connectionID = try #require(first["id"]?.stringValue)
            let before = try await app.rowCounts(tenant.organisationID)
            let mallory = try tenant.endUserAuth("mallory")
            let bodies: [(String, JSONValue)] = [
                ("the same body", body),
                ("another body", Bodies.create(connectorID: tenant.connectorID, name: "other")),
                ("an invalid body", ["connectorId": .string(tenant.connectorID)]),
            ]
            for (label, attempt) in bodies {
                let response = await app.request(.POST, target, auth: mallory, json: attempt, headers: key)
                #expect(response.status == 403, "\(label): \(response.text)")
                #expect(response.errorCode == "403001", "\(label)")
                #expect(response.headers["Idempotent-Replayed"] == nil)
                #expect(!response.text.contains(connectionID))
            }
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            // The organisation's key still gets its replay.
            let replay = await app.request(.POST, target, auth: tenant.auth, json: body, headers: key)
            #expect(replay.status == 201)
            #expect(replay.body == first.body)
        }
    }

    @Test func aTokensOwnStoredAnswerIsStillReplayed() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            let ownID = try #require(try await app.createEndUser(tenant, externalID: "owner")["id"]?.stringValue)
            let target = "/hubs/\(tenant.hubID)/users/\(ownID)/connections?identifier_type=internal"
            let key: HeaderFields = ["Idempotency-Key": "own-key-1"]
            let auth = try tenant.endUserAuth("owner")
            let body = Bodies.create(connectorID: tenant.connectorID)
            let first = await app.request(.POST, target, auth: auth, json: body, headers: key)
            #expect(first.status == 201, "\(first.text)")
            let replay = await app.request(.POST, target, auth: auth, json: body, headers: key)
            #expect(replay.status == 201)
            #expect(replay.headers["Idempotent-Replayed"] == "true")
            let invalid = await app.request(.POST, target, auth: auth, json: ["connectorId": .string(tenant.connectorID)], headers: key)
            #expect(invalid.status == 409, "\(invalid.text)")
            #expect(invalid.errorCode == "409002")
        }
    }
}
