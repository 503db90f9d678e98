@testable import App
import HTTP1
import HTTPServer
import JSON
import Synchronization
import TestSupport
import Testing

/// oauth2-code end to end: our server exchanges the code at a token endpoint served on 127.0.0.1 (allowed by
/// `OUTBOUND_ALLOW_PRIVATE_NETWORKS`), and stores the answer as a sealed oauth2-token.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionTokenEndpointTests {
    @Test func theCodeIsExchangedAtTheTokenEndpointAndTheTokensSealed() async throws {
        let endpoint = TokenEndpoint()
        try await withRunningServer(responder: endpoint) { tokenPort in
            try await withConnectionsApp(configure: { $0.outboundAllowPrivateNetworks = true }) { app in
                let tenant = try await app.makeTenant()
                _ = try await app.createEndUser(tenant, externalID: "pia")
                var scheme = ConnectionOAuthCodeTests.scheme
                if case .object(var object) = scheme {
                    object["tokenUrl"] = .string("http://127.0.0.1:\(tokenPort)/token")
                    scheme = .object(object)
                }
                let response = await app.createConnection(tenant, user: "pia", body: [
                    "connectorId": .string(tenant.connectorID),
                    "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                        scheme, ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-777", "state": "st"]])]),
                ])
                #expect(response.status == 201, "\(response.text)")
                let credential = try #require(response["credentials"]?["action"]?[0]?["credential"])
                #expect(credential["type"] == "oauth2-token")
                #expect(credential["data"]?["scopes"] == ["read"])
                for secret in ["AT-REAL", "RT-REAL", "CODE-777", "CLIENT-SECRET-1"] {
                    #expect(!response.text.contains(secret))
                    #expect(!app.logs.all.contains(secret))
                }
                let form = try #require(endpoint.lastBody)
                #expect(form.contains("grant_type=authorization_code"))
                #expect(form.contains("code=CODE-777"))
                try await VaultProbe.expectSealed(
                    app, credentialID: try #require(credential["id"]?.stringValue), organisationID: tenant.organisationID,
                    secrets: ["accessToken": "AT-REAL", "refreshToken": "RT-REAL"])
            }
        }
    }
}

/// A token endpoint that grants every code and remembers the last form (and client authentication) it was sent.
final class TokenEndpoint: Responder {
    private let body = Mutex<String?>(nil)
    private let authorization = Mutex<String?>(nil)
    var lastBody: String? { body.withLock { $0 } }
    var lastAuthorization: String? { authorization.withLock { $0 } }

    func respond(to request: Request) async -> Response {
        body.withLock { $0 = String(decoding: request.body, as: UTF8.self) }
        authorization.withLock { $0 = request.headers.values(for: "Authorization").first }
        let answer: JSONValue = [
            "access_token": "AT-REAL", "refresh_token": "RT-REAL", "token_type": "bearer", "expires_in": 3600,
        ]
        return .json(.ok, answer.serialized())
    }
}
