@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// An oauth2 grant's `clientSecret` is kept in an oauth2-client credential, as the reference keeps it: a new one
/// when the grant names none, a JSON Merge Patch of the named one otherwise (API keys only). The bound grant
/// names the credential and answers the secret as `""`.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OAuthGrantClientTests {
    static let tokenURL = "https://auth.example.com/token"

    static func scheme(grant: JSONValue) -> JSONValue {
        [
            "id": "oauth", "description": "oauth", "schemeType": "oauth2",
            "authorizeUrl": "https://auth.example.com/authorize", "tokenUrl": .string(tokenURL),
            "scopes": [], "defaultScopes": ["read"], "grant": grant,
        ]
    }

    /// A connection named `name` holding a stored oauth2-token under an oauth2 scheme with `grant`.
    static func body(connectorID: String, name: String, grant: JSONValue) -> JSONValue {
        let token: JSONValue = [
            "name": "token", "type": "oauth2-token",
            "data": ["refreshToken": "RT-1", "accessToken": "AT-1", "scopes": ["read"]],
        ]
        return [
            "connectorId": .string(connectorID),
            "connection": Bodies.connection(name: name, action: [Bodies.entry(scheme(grant: grant), token)]),
        ]
    }

    static func grant(of response: AppResponse) -> JSONValue? {
        response["credentials"]?["action"]?[0]?["authSchemeConfig"]?["grant"]
    }

    /// Creates a connection whose grant carries `secret` inline; returns the client credential the grant now names.
    private func clientCredential(_ app: ConnectionsApp, _ tenant: TestTenant, secret: String) async throws -> String {
        let response = await app.createConnection(tenant, user: "oak", body: Self.body(
            connectorID: tenant.connectorID, name: "first",
            grant: ["grantType": "authorization_code", "clientId": "client-1", "clientSecret": .string(secret)]))
        guard response.status == 201, let id = Self.grant(of: response)?["credentialId"]?.stringValue else {
            throw Unexpected(response)
        }
        return id
    }

    @Test func anInlineClientSecretBecomesASealedClientCredentialTheGrantNames() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let before = try await app.rowCounts(tenant.organisationID)
            let response = await app.createConnection(tenant, user: "oak", body: Self.body(
                connectorID: tenant.connectorID, name: "first",
                grant: ["grantType": "authorization_code", "clientId": "client-1", "clientSecret": "INLINE-SECRET-1"]))
            #expect(response.status == 201, "\(response.text)")
            #expect(!response.text.contains("INLINE-SECRET-1"))
            let grant = try #require(Self.grant(of: response))
            #expect(grant["clientSecret"] == "")
            #expect(grant["clientId"] == "client-1")
            #expect(grant["organisationId"]?.stringValue == tenant.organisationID)
            let credentialID = try #require(grant["credentialId"]?.stringValue)
            try await VaultProbe.expectSealed(
                app, credentialID: credentialID, organisationID: tenant.organisationID,
                secrets: ["clientSecret": "INLINE-SECRET-1"])
            let row = try await app.context.database.withConnection { connection in
                try await connection.query("""
                    SELECT type, public_data->>'clientId' AS client, public_data->>'tokenUrl' AS token_url,
                           (SELECT auth_scheme_config::text FROM connection_credentials WHERE position = 0
                              AND connection_id = \(response["id"]?.stringValue)) AS stored_scheme
                    FROM credentials WHERE id = \(credentialID)
                    """).rows[0]
            }
            #expect(try row.string("type") == "oauth2-client")
            #expect(try row.string("client") == "client-1")
            #expect(try row.string("token_url") == Self.tokenURL)
            #expect(try row.string("stored_scheme").contains(credentialID))
            #expect(!(try row.string("stored_scheme")).contains("INLINE-SECRET-1"))
            let after = try await app.rowCounts(tenant.organisationID)
            #expect(after.credentials == before.credentials + 2)  // the token and the client
            #expect(!app.logs.all.contains("INLINE-SECRET-1"))
        }
    }

    @Test func aNamedCredentialIsPatchedWithTheGrantsSecret() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let credentialID = try await clientCredential(app, tenant, secret: "OLD-SECRET-2")
            let response = await app.createConnection(tenant, user: "oak", body: Self.body(
                connectorID: tenant.connectorID, name: "second",
                grant: [
                    "grantType": "authorization_code", "credentialId": .string(credentialID),
                    "organisationId": .string(tenant.organisationID), "clientSecret": "NEW-SECRET-2",
                ]))
            #expect(response.status == 201, "\(response.text)")
            #expect(Self.grant(of: response)?["credentialId"]?.stringValue == credentialID)
            #expect(Self.grant(of: response)?["clientSecret"] == "")
            try await VaultProbe.expectSealed(
                app, credentialID: credentialID, organisationID: tenant.organisationID, secrets: ["clientSecret": "NEW-SECRET-2"])
            let clientID = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT public_data->>'clientId' AS c FROM credentials WHERE id = \(credentialID)")
                    .rows[0].string("c")
            }
            #expect(clientID == "client-1")  // merge patch: what the grant leaves out stays
        }
    }

    @Test func anEndUserTokenCannotPatchAClientCredential() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let credentialID = try await clientCredential(app, tenant, secret: "KEPT-SECRET-3")
            let before = try await app.rowCounts(tenant.organisationID)
            let response = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users/oak/connections", auth: try tenant.endUserAuth("oak"),
                json: Self.body(connectorID: tenant.connectorID, name: "second", grant: [
                    "grantType": "authorization_code", "credentialId": .string(credentialID),
                    "organisationId": .string(tenant.organisationID), "clientSecret": "MALLORY-SECRET",
                ]))
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorCode == "400002")
            #expect(response.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.clientSecret"])
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            try await VaultProbe.expectSealed(
                app, credentialID: credentialID, organisationID: tenant.organisationID, secrets: ["clientSecret": "KEPT-SECRET-3"])
        }
    }

    @Test func aGrantMayNameOnlyAClientTheCallerMayUseEvenWithoutACode() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant(signingKey: true)
            _ = try await app.createEndUser(tenant, externalID: "oak")
            _ = try await app.createEndUser(tenant, externalID: "mallory")
            let credentialID = try await clientCredential(app, tenant, secret: "ORG-SECRET-5")
            let before = try await app.rowCounts(tenant.organisationID)
            let body = { (user: String) in
                Self.body(connectorID: tenant.connectorID, name: "named-\(user)",
                          grant: ["grantType": "authorization_code", "credentialId": .string(credentialID)])
            }
            let stolen = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users/mallory/connections", auth: try tenant.endUserAuth("mallory"),
                json: body("mallory"))
            #expect(stolen.status == 404, "\(stolen.text)")
            #expect(stolen.errorCode == "404004")
            #expect(stolen.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.credentialId"])
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            // oak's own connection's grant names it, so oak's token may name it again.
            let own = await app.request(
                .POST, "/hubs/\(tenant.hubID)/users/oak/connections", auth: try tenant.endUserAuth("oak"), json: body("oak"))
            #expect(own.status == 201, "\(own.text)")
        }
    }

    @Test func organisationIdNeedsACredentialIdOfTheCallersOrganisation() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            let other = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let before = try await app.rowCounts(tenant.organisationID)
            let alone = await app.createConnection(tenant, user: "oak", body: Self.body(
                connectorID: tenant.connectorID, name: "x",
                grant: ["grantType": "authorization_code", "organisationId": .string(tenant.organisationID),
                        "clientId": "c", "clientSecret": "S"]))
            #expect(alone.status == 400, "\(alone.text)")
            #expect(alone.errorCode == "400002")
            #expect(alone.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.credentialId"])
            let foreign = await app.createConnection(tenant, user: "oak", body: Self.body(
                connectorID: tenant.connectorID, name: "x",
                grant: ["grantType": "authorization_code", "organisationId": .string(other.organisationID),
                        "credentialId": .string(ULID.generate().string), "clientSecret": "S"]))
            #expect(foreign.status == 404, "\(foreign.text)")
            #expect(foreign.errorCode == "404004")
            #expect(foreign.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.organisationId"])
            let secretWithoutClient = await app.createConnection(tenant, user: "oak", body: Self.body(
                connectorID: tenant.connectorID, name: "x",
                grant: ["grantType": "authorization_code", "clientSecret": "S"]))
            #expect(secretWithoutClient.status == 400, "\(secretWithoutClient.text)")
            #expect(secretWithoutClient.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.clientId"])
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }
}
