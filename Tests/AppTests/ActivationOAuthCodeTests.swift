@testable import App
import HTTP1
import HTTPServer
import JSON
import Postgres
import TestSupport
import Testing

/// A new connection of an activation goes through CreateEndUserConnection's code path with the template's
/// scheme: an oauth2-code is exchanged at the template's token endpoint with the template's client, whatever
/// the client's copy of the scheme says, and stored as an oauth2-token.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ActivationOAuthCodeTests {
    @Test func theCodeIsExchangedWithTheTemplatesScheme() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let integration = try await app.insertIntegration(tenant)
            // Written straight into the table, so its client secret is one no request of any test sends.
            guard case .object(var templateScheme) = ConnectionOAuthCodeTests.scheme else { return }
            templateScheme["grant"] = ["grantType": "authorization_code", "clientId": "client-1", "clientSecret": "Zq7tmplKEYw3"]
            let template = try await app.insertTemplate(
                tenant, integrationID: integration, connectorID: tenant.connectorID, scheme: .object(templateScheme))
            var clientScheme = templateScheme
            clientScheme["tokenUrl"] = "https://elsewhere.example.com/token"
            clientScheme["grant"] = ["grantType": "authorization_code", "clientId": "client-2", "clientSecret": "OTHER-SECRET"]
            let body = Bodies.activation(user: "oak", integrationID: integration, connections: [[
                "templateId": .string(template), "name": "oauth",
                "credentials": ["action": [Bodies.entry(
                    .object(clientScheme), ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-9", "state": "st"]])]],
            ]])
            let exchanger = FakeExchanger(answer: .success(JSONObject([
                ("accessToken", "ACCESS-9"), ("refreshToken", "REFRESH-9"), ("scopes", ["read"]), ("tokenType", "Bearer"),
            ])))
            let response = try await ActivateIntegrationRoute.handle(
                Request(method: .POST, target: "/activations", headers: ["Content-Type": "application/json"],
                        body: body.serialized()),
                principal: .organisation(organisationID: tenant.organisationID, apiKeyID: "k"),
                creation: ConnectionCreation(context: app.context, exchanger: exchanger))
            #expect(response.status.code == 200, "\(String(decoding: response.body, as: UTF8.self))")
            let sent = try #require(exchanger.received)
            #expect(sent.code == "CODE-9")
            #expect(sent.tokenURL == "https://auth.example.com/token")
            #expect(sent.clientID == "client-1")
            #expect(sent.clientSecret == "Zq7tmplKEYw3")

            let bound = await app.request(.GET, "/connection-templates/\(template)/users/oak", auth: tenant.auth)
            #expect(bound.status == 200)
            let binding = try #require(bound["credentials"]?["action"]?[0])
            #expect(binding["credential"]?["type"] == "oauth2-token")
            #expect(binding["authSchemeConfig"]?["tokenUrl"] == "https://auth.example.com/token")
            #expect(binding["authSchemeConfig"]?["grant"]?["clientId"] == "client-1")
            for secret in ["ACCESS-9", "REFRESH-9", "CODE-9", "Zq7tmplKEYw3", "OTHER-SECRET"] {
                #expect(!bound.text.contains(secret))
            }
        }
    }
}
