@testable import App
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// API-key scopes: `connections:access` alone reads credentials, the organisation scope alone manages, and an
/// end-user token never has either for `/access`.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct CredentialAccessScopeTests {
    @Test func eachScopeOpensOnlyItsOwnRoutes() async throws {
        try await withConnectionsApp { app in
            let access = try await app.makeAccessTenant(signingKey: true)
            let tenant = access.tenant
            let connectionID = try await app.makeAccessConnection(access, baseURL: "https://api.example.com", action: [AccessBodies.none])
            let target = "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/access"

            let organisationKey = await app.request(.GET, target, auth: tenant.auth)
            #expect(organisationKey.status == 403 && organisationKey.errorCode == "403002")
            let endUser = await app.request(.GET, target, auth: try tenant.endUserAuth("ada"))
            #expect(endUser.status == 403 && endUser.errorCode == "403002")
            let proxied = await app.request(.GET, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)/proxy/x", auth: tenant.auth)
            #expect(proxied.status == 403 && proxied.errorCode == "403002")
            #expect(try await app.auditRows(tenant.organisationID) == 0)

            let allowed = await app.request(.GET, target, auth: access.accessAuth)
            #expect(allowed.status == 200, "\(allowed.text)")

            // The access key manages nothing: not the connection it reads, not the audit trail, not the hub.
            for path in [
                "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)", "/o/\(tenant.organisationID)/audit-events",
                "/hubs/\(tenant.hubID)",
            ] {
                let refused = await app.request(.GET, path, auth: access.accessAuth)
                #expect(refused.status == 403 && refused.errorCode == "403002", "\(path): \(refused.text)")
            }
        }
    }

    @Test func theCommandRecordsScopesAndRefusesUnknownOnes() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let made = try await OperatorCommands.createAPIKey(
                organisationID: tenant.organisationID, scopes: ["connections:access", "organisation"], database: app.context.database)
            #expect(made["scopes"] == ["connections:access", "organisation"])
            let plain = try await OperatorCommands.createAPIKey(organisationID: tenant.organisationID, database: app.context.database)
            #expect(plain["scopes"] == ["organisation"])
            for case .string(let key)? in [made["apiKey"], plain["apiKey"]] { TestSecretsLedger.record([key]) }
            await #expect(throws: OperatorError.unknownScope) {
                try await OperatorCommands.createAPIKey(
                    organisationID: tenant.organisationID, scopes: ["connections:write"], database: app.context.database)
            }
            let stored = try await app.context.database.withConnection { connection in
                try await connection.query("""
                    SELECT array_to_string(scopes, ',') AS scopes FROM api_keys WHERE organisation_id = \(tenant.organisationID) ORDER BY id
                    """).rows.map { try $0.string("scopes") }
            }
            // The organisation's first key (made before any scope was named), then the two made here.
            #expect(stored == ["organisation", "connections:access,organisation", "organisation"])
            // A key with both scopes does both.
            guard case .string(let both)? = made["apiKey"] else { throw FixtureError("no key") }
            let hub = await app.request(.GET, "/hubs/\(tenant.hubID)", auth: ["Authorization": "Bearer \(both)"])
            #expect(hub.status == 200)
        }
    }

    @Test func theDatabaseRefusesUnknownOrEmptyScopes() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            for scopes in ["{}", "{admin}"] {
                await #expect(throws: (any Error).self) {
                    try await app.context.database.withConnection { connection in
                        _ = try await connection.query("""
                            UPDATE api_keys SET scopes = \(scopes)::text[] WHERE organisation_id = \(tenant.organisationID)
                            """)
                    }
                }
            }
        }
    }
}
