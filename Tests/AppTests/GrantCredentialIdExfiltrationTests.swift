@testable import App
import Cryptography
import Foundation
import HTTP1
import JSON
import TestSupport
import Testing

/// A grant's `credentialId` must not make the server open an organisation's oauth2-client credential for any
/// caller, nor send its client id and secret to whatever `tokenUrl` the request names: the caller must be allowed
/// to use the credential, and its secret goes only to the credential's own `tokenUrl`.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct GrantCredentialIdExfiltrationTests {
    static let clientSecret = "ORG-CLIENT-SECRET-9"

    /// An oauth2 authorization_code scheme whose grant names `credentialId`, exchanging at `tokenURL`.
    static func codeScheme(credentialID: String, tokenURL: String) -> JSONValue {
        [
            "id": "oauth", "description": "oauth", "schemeType": "oauth2",
            "authorizeUrl": "https://auth.example.com/authorize", "tokenUrl": .string(tokenURL),
            "scopes": [], "defaultScopes": ["read"],
            "grant": ["grantType": "authorization_code", "credentialId": .string(credentialID)],
        ]
    }

    static func codeConnection(connectorID: String, credentialID: String, tokenURL: String) -> JSONValue {
        [
            "connectorId": .string(connectorID),
            "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                codeScheme(credentialID: credentialID, tokenURL: tokenURL),
                ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-X", "state": "st"]])]),
        ]
    }

    /// POSTs an oauth2-code connection for `user` whose grant names `credentialID` and exchanges at `tokenURL`.
    static func exchange(
        _ app: ConnectionsApp, _ tenant: TestTenant, user: String, auth: HeaderFields, connectorID: String? = nil,
        credentialID: String, tokenURL: String
    ) async -> AppResponse {
        await app.request(
            .POST, "/hubs/\(tenant.hubID)/users/\(user)/connections", auth: auth,
            json: codeConnection(connectorID: connectorID ?? tenant.connectorID, credentialID: credentialID, tokenURL: tokenURL))
    }

    /// The organisation's oauth2-client credential (bound to `owner`'s client_credentials connection), whose
    /// own token endpoint is `tokenURL`; returns its id.
    static func makeClientCredential(
        _ app: ConnectionsApp, _ tenant: TestTenant, owner: String, tokenURL: String
    ) async throws -> String {
        let scheme: JSONValue = [
            "id": "cc", "description": "cc", "schemeType": "oauth2", "authorizeUrl": "",
            "tokenUrl": .string(tokenURL), "scopes": [], "defaultScopes": [], "grant": ["grantType": "client_credentials"],
        ]
        let credential: JSONValue = [
            "name": "org client", "type": "oauth2-client",
            "data": ["clientId": "org-client", "clientSecret": .string(clientSecret), "tokenUrl": .string(tokenURL)],
        ]
        let response = await app.createConnection(tenant, user: owner, body: [
            "connectorId": .string(tenant.connectorID),
            "connection": Bodies.connection(name: "client", action: [Bodies.entry(scheme, credential)]),
        ])
        guard response.status == 201,
              let id = response["credentials"]?["action"]?[0]?["credential"]?["id"]?.stringValue
        else { throw Unexpected(response) }
        return id
    }

    /// Runs `body` with the app (outbound to loopback allowed), a tenant with users "victim" and "mallory", the
    /// organisation's client credential whose own endpoint is `legit`, and an attacker's endpoint `foreign`.
    private func withSetting(
        _ body: (ConnectionsApp, TestTenant, _ credentialID: String, _ legit: (TokenEndpoint, String),
                 _ foreign: (TokenEndpoint, String)) async throws -> Void
    ) async throws {
        let legit = TokenEndpoint(), foreign = TokenEndpoint()
        try await withRunningServer(responder: legit) { legitPort in
            try await withRunningServer(responder: foreign) { foreignPort in
                try await withConnectionsApp(configure: { $0.outboundAllowPrivateNetworks = true }) { app in
                    let tenant = try await app.makeTenant(signingKey: true)
                    _ = try await app.createEndUser(tenant, externalID: "victim")
                    _ = try await app.createEndUser(tenant, externalID: "mallory")
                    let legitURL = "http://127.0.0.1:\(legitPort)/token"
                    let credentialID = try await Self.makeClientCredential(app, tenant, owner: "victim", tokenURL: legitURL)
                    try await body(
                        app, tenant, credentialID, (legit, legitURL), (foreign, "http://127.0.0.1:\(foreignPort)/token"))
                }
            }
        }
    }

    @Test func anEndUserTokenCannotSpendTheOrganisationsClientCredential() async throws {
        try await withSetting { app, tenant, credentialID, legit, foreign in
            for tokenURL in [foreign.1, legit.1] {
                let response = await Self.exchange(
                    app, tenant, user: "mallory", auth: try tenant.endUserAuth("mallory"), credentialID: credentialID, tokenURL: tokenURL)
                #expect(response.status == 404, "\(response.text)")
                #expect(response.errorCode == "404004")
                #expect(response.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.credentialId"])
                #expect(!response.text.contains(Self.clientSecret))
            }
            #expect(foreign.0.lastBody == nil)
            #expect(legit.0.lastBody == nil)
            // The victim's token may: the credential is bound to one of its own connections. Its own tokenUrl only.
            let victim = try tenant.endUserAuth("victim")
            let elsewhere = await Self.exchange(
                app, tenant, user: "victim", auth: victim, credentialID: credentialID, tokenURL: foreign.1)
            #expect(elsewhere.status == 400, "\(elsewhere.text)")
            #expect(foreign.0.lastBody == nil)
            let own = await Self.exchange(
                app, tenant, user: "victim", auth: victim, credentialID: credentialID, tokenURL: legit.1)
            #expect(own.status == 201, "\(own.text)")
            #expect(legit.0.lastBody?.contains("code=CODE-X") == true)
        }
    }

    @Test func anAPIKeyCannotSendTheSecretToAForeignTokenURL() async throws {
        try await withSetting { app, tenant, credentialID, legit, foreign in
            let response = await Self.exchange(
                app, tenant, user: "mallory", auth: tenant.auth, credentialID: credentialID, tokenURL: foreign.1)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorCode == "400002")
            #expect(response.errorFields == ["connection.credentials.action[0].authSchemeConfig.tokenUrl"])
            #expect(foreign.0.lastBody == nil)
            #expect(legit.0.lastBody == nil)
            // The same tokenUrl but for a letter's case is another URL: still refused.
            let upper = legit.1.replacingOccurrences(of: "token", with: "Token")
            let cased = await Self.exchange(
                app, tenant, user: "mallory", auth: tenant.auth, credentialID: credentialID, tokenURL: upper)
            #expect(cased.status == 400, "\(cased.text)")
            #expect(legit.0.lastBody == nil)
        }
    }

    @Test func theCredentialsOwnTokenURLStillGetsItsSecret() async throws {
        try await withSetting { app, tenant, credentialID, legit, foreign in
            let response = await Self.exchange(
                app, tenant, user: "mallory", auth: tenant.auth, credentialID: credentialID, tokenURL: legit.1)
            #expect(response.status == 201, "\(response.text)")
            let basic = "Basic " + Base64.encode(Array("org-client:\(Self.clientSecret)".utf8))
            #expect(legit.0.lastAuthorization == basic)
            #expect(foreign.0.lastBody == nil)
        }
    }

    @Test func anEndUserTokenMayUseTheClientCredentialItsConnectorDesignates() async throws {
        try await withSetting { app, tenant, credentialID, legit, foreign in
            let connectors = "/o/\(tenant.organisationID)/protocols/http/connectors"
            let designated = await app.request(.POST, connectors, auth: tenant.auth, json: [
                "name": "oauth connector", "baseUrl": "https://api.example.com",
                "authSchemeConfigs": [Self.codeScheme(credentialID: credentialID, tokenURL: legit.1)],
            ])
            let connectorID = try #require(designated["id"]?.stringValue, "\(designated.text)")
            let mallory = try tenant.endUserAuth("mallory")
            let refused = await Self.exchange(
                app, tenant, user: "mallory", auth: mallory, connectorID: connectorID, credentialID: credentialID,
                tokenURL: foreign.1)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.errorFields == ["connection.credentials.action[0].authSchemeConfig.tokenUrl"])
            #expect(foreign.0.lastBody == nil)
            let response = await Self.exchange(
                app, tenant, user: "mallory", auth: mallory, connectorID: connectorID, credentialID: credentialID,
                tokenURL: legit.1)
            #expect(response.status == 201, "\(response.text)")
            #expect(legit.0.lastBody?.contains("code=CODE-X") == true)
        }
    }
}
