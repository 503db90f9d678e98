@testable import App
import Cryptography
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// `GET …/connections/{id}/access`: the contract's `auth` shape for every scheme, recorded in the audit log
/// before it is answered, and nothing of it in the logs.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct CredentialAccessTests {
    @Test func everySchemeAnswersItsAuthShapeAndIsAudited() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant()
            let tenant = access.tenant
            let expiry = Timestamp.now().adding(seconds: 3600)
            let connectionID = try await app.makeAccessConnection(access, baseURL: "https://api.example.com", action: [
                AccessBodies.none, AccessBodies.apiKey(in: "query"), AccessBodies.basic, AccessBodies.oauth2(expiresAt: expiry),
                AccessBodies.hmac(), AccessBodies.certificate, AccessBodies.hs256, AccessBodies.rs256,
            ], trigger: [AccessBodies.customFunction])
            let response = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access", auth: access.accessAuth,
                headers: ["X-Request-Id": "req-access-1"])
            #expect(response.status == 200, "\(response.text)")
            #expect(response.headers["Cache-Control"] == "no-store")
            #expect(response["connectionId"] == .string(connectionID))
            let bindings = try #require(response["bindings"]?.arrayValue)
            #expect(bindings.map { $0["schemeType"]?.stringValue ?? "" } == [
                "none", "api-key", "basic-auth", "oauth2", "hmac", "certificate", "jwt-bearer", "jwt-bearer", "custom-function",
            ])
            #expect(bindings[0]["auth"] == [:])
            #expect(bindings[0]["usage"] == "action" && bindings[0]["position"] == 0 && bindings[0]["authSchemeConfigId"] == "none-1")
            #expect(bindings[1]["auth"] == ["in": "query", "name": "X-Api-Key", "value": "API-KEY-SECRET"])
            #expect(bindings[2]["auth"] == ["header": .string("Basic " + Base64.encode(Array("ada:BASIC-PASSWORD-SECRET".utf8)))])
            #expect(bindings[3]["auth"] == [
                "accessToken": "STORED-ACCESS-TOKEN", "tokenType": "bearer", "expiresAt": .string(expiry.rfc3339),
                "header": "Bearer STORED-ACCESS-TOKEN",
            ])
            #expect(bindings[4]["auth"] == [
                "in": "header", "name": "X-Signature", "algorithm": "sha256", "digestInputs": ["body", "url"],
                "key": .string(Base64.encode(Array(AccessBodies.hmacKey.utf8))),
            ])
            #expect(bindings[5]["auth"]?["key"] == .string(BenchmarkKeyMaterial.clientKeyPEM))
            #expect(bindings[5]["auth"]?["certificate"] == .string(BenchmarkKeyMaterial.clientCertificatePEM))
            #expect(bindings[5]["auth"]?["ca"] == .string(BenchmarkKeyMaterial.caPEM))
            let hs = try #require(bindings[6]["auth"]?["token"]?.stringValue)
            #expect(bindings[6]["auth"]?["header"] == .string("Bearer " + hs))
            let hsClaims = try #require(verifiedClaims(hs, hmacKey: AccessBodies.jwtSecret))
            #expect(hsClaims["sub"] == "ada" && hsClaims["iss"] == "client@example.com")
            let issuedAt = try #require(hsClaims["iat"]?.numberValue)
            #expect(hsClaims["exp"]?.numberValue == issuedAt + 3600)
            #expect(abs(issuedAt - Double(Timestamp.now().microsecondsSinceEpoch / 1_000_000)) < 60)
            let rs = try #require(bindings[7]["auth"]?["token"]?.stringValue)
            #expect(verifiedClaims(rs, privateKeyPEM: BenchmarkKeyMaterial.clientKeyPEM)?["sub"] == "ada")
            #expect(verifiedClaims(rs, hmacKey: AccessBodies.jwtSecret) == nil)
            #expect(bindings[8]["usage"] == "trigger" && bindings[8]["position"] == 0)
            #expect(bindings[8]["auth"] == ["functionUrl": "https://fn.example.com/auth", "data": ["apiKey": "FUNCTION-SECRET"]])

            let events = await app.request(.GET, "/o/\(tenant.organisationID)/audit-events", auth: tenant.auth)
            #expect(events.status == 200)
            #expect(events["totalCount"] == 1)
            let event = try #require(events["auditEvents"]?[0])
            #expect(event["apiKeyId"] == .string(access.accessKeyID))
            #expect(event["connectionId"] == .string(connectionID))
            #expect(event["requestId"] == "req-access-1")
            #expect(event["endUserId"]?.stringValue?.count == 26)
            #expect(event["bindings"]?[3] == ["usage": "action", "position": 3, "authSchemeConfigId": "oauth-1", "schemeType": "oauth2"])
            for secret in ["API-KEY-SECRET", "BASIC-PASSWORD-SECRET", "STORED-ACCESS-TOKEN", "HMAC-KEY-SECRET", "FUNCTION-SECRET", hs, rs] {
                #expect(!app.logs.all.contains(secret))
                #expect(!events.text.contains(secret))
            }
        }
    }

    @Test func auditEventsListNewestFirstAndPage() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant()
            let tenant = access.tenant
            let connectionID = try await app.makeAccessConnection(access, baseURL: "https://api.example.com", action: [AccessBodies.basic])
            for number in 1...3 {
                let answered = await app.request(
                    .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access", auth: access.accessAuth,
                    headers: ["X-Request-Id": "req-\(number)"])
                #expect(answered.status == 200)
            }
            let base = "/o/\(tenant.organisationID)/audit-events"
            let first = await app.request(.GET, base + "?first=2", auth: tenant.auth)
            #expect(first["totalCount"] == 3)
            #expect(first["auditEvents"]?.arrayValue?.map { $0["requestId"] } == ["req-3", "req-2"])
            let next = try #require(first["next"]?.stringValue)
            let second = await app.request(.GET, base + "?first=2&after=\(next)", auth: tenant.auth)
            #expect(second["auditEvents"]?.arrayValue?.map { $0["requestId"] } == ["req-1"])
            #expect(second["next"] == nil)
            let prev = try #require(second["prev"]?.stringValue)
            let back = await app.request(.GET, base + "?first=2&before=\(prev)", auth: tenant.auth)
            #expect(back["auditEvents"]?.arrayValue?.map { $0["requestId"] } == ["req-3", "req-2"])
            let other = try await app.makeTenant()
            let foreign = await app.request(.GET, base, auth: other.auth)
            #expect(foreign.status == 404 && foreign.errorCode == "404007")
            let bad = await app.request(.GET, base + "?after=nope", auth: tenant.auth)
            #expect(bad.status == 400 && bad.errorCode == "400004")
        }
    }

    /// No audit row, no secret: a failing insert answers 503 without any credential in it.
    @Test func anAuditFailureHandsNothingOut() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant()
            let tenant = access.tenant
            let connectionID = try await app.makeAccessConnection(access, baseURL: "https://api.example.com", action: [AccessBodies.basic])
            let trigger = "refuse_audit_\(tenant.organisationID.lowercased())"
            try await app.context.database.withConnection { connection in
                try await connection.execute(unsafeSQL: """
                    CREATE FUNCTION \(trigger)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'audit refused for the test'; END $$;
                    CREATE TRIGGER \(trigger) BEFORE INSERT ON audit_events FOR EACH ROW
                        WHEN (NEW.organisation_id = '\(tenant.organisationID)') EXECUTE FUNCTION \(trigger)();
                    """)
            }
            let refused = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access", auth: access.accessAuth)
            try await app.context.database.withConnection { connection in
                try await connection.execute(unsafeSQL: "DROP TRIGGER \(trigger) ON audit_events; DROP FUNCTION \(trigger)();")
            }
            #expect(refused.status == 503 && refused.errorCode == "503006", "\(refused.text)")
            #expect(!refused.text.contains("BASIC-PASSWORD-SECRET") && !refused.text.contains("Basic "))
            #expect(try await app.auditRows(tenant.organisationID) == 0)
        }
    }

    @Test func anExpiringTokenIsRefusedBeforeAnythingIsRecorded() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant()
            let tenant = access.tenant
            let soon = Timestamp.now().adding(seconds: 30)
            let connectionID = try await app.makeAccessConnection(
                access, baseURL: "https://api.example.com", action: [AccessBodies.oauth2(expiresAt: soon)])
            let refused = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access", auth: access.accessAuth)
            #expect(refused.status == 502 && refused.errorCode == "502008", "\(refused.text)")
            #expect(!refused.text.contains("STORED-ACCESS-TOKEN"))
            #expect(try await app.auditRows(tenant.organisationID) == 0)
        }
    }

    @Test func theConnectionMustBeTheCallersAndTheUsers() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant()
            let tenant = access.tenant
            let connectionID = try await app.makeAccessConnection(access, baseURL: "https://api.example.com", action: [AccessBodies.basic])
            _ = try await app.createEndUser(tenant, externalID: "bob")
            let otherUser = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/bob/connections/\(connectionID)/access", auth: access.accessAuth)
            #expect(otherUser.status == 404 && otherUser.errorCode == "404005")
            let intruder = try await app.makeAccessTenant()
            let foreign = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access", auth: intruder.accessAuth)
            #expect(foreign.status == 404 && foreign.errorCode == "404001")
            let missing = await app.request(
                .GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(testID())/access", auth: access.accessAuth)
            #expect(missing.status == 404 && missing.errorCode == "404005")
            #expect(try await app.auditRows(tenant.organisationID) == 0)
            #expect(try await app.auditRows(intruder.tenant.organisationID) == 0)
        }
    }
}
