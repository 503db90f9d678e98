@testable import App
import HTTP1
import HTTPServer
import JSON
import Synchronization
import TestSupport
import Testing

/// oauth2-code credentials: exchanged before anything is written, stored as oauth2-token with both tokens sealed.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ConnectionOAuthCodeTests {
    static let scheme: JSONValue = [
        "id": "oauth", "description": "oauth", "schemeType": "oauth2",
        "authorizeUrl": "https://auth.example.com/authorize", "tokenUrl": "https://auth.example.com/token",
        "scopes": [], "defaultScopes": ["read"],
        "grant": ["grantType": "authorization_code", "clientId": "client-1", "clientSecret": "CLIENT-SECRET-1"],
    ]

    static func body(connectorID: String) -> JSONValue {
        [
            "connectorId": .string(connectorID),
            "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                scheme, ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-123", "state": "st"]])]),
        ]
    }

    /// Runs CreateEndUserConnection through `ConnectionCreation` with `exchanger` in place of the outbound one.
    private func create(_ app: ConnectionsApp, _ tenant: TestTenant, exchanger: FakeExchanger) async throws -> Response {
        let request = Request(
            method: .POST, target: "/hubs/\(tenant.hubID)/users/oak/connections",
            headers: ["Content-Type": "application/json"], body: Self.body(connectorID: tenant.connectorID).serialized())
        var routed = request
        routed.parameters = ["hub_id": tenant.hubID, "user_id": "oak"]
        return try await CreateConnectionRoute.handle(
            routed, principal: .organisation(organisationID: tenant.organisationID, apiKeyID: "k"),
            creation: ConnectionCreation(context: app.context, exchanger: exchanger))
    }

    @Test func exchangedTokensAreSealedAndTheCodeIsNeverStored() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let exchanger = FakeExchanger(answer: .success(JSONObject([
                ("accessToken", "ACCESS-1"), ("refreshToken", "REFRESH-1"), ("scopes", ["read"]), ("tokenType", "Bearer"),
            ])))
            let response = try await create(app, tenant, exchanger: exchanger)
            #expect(response.status.code == 201)
            let text = String(decoding: response.body, as: UTF8.self)
            for secret in ["ACCESS-1", "REFRESH-1", "CODE-123", "CLIENT-SECRET-1"] { #expect(!text.contains(secret)) }
            let json = try JSONValue.parse(response.body)
            let credential = try #require(json["credentials"]?["action"]?[0]?["credential"])
            #expect(credential["type"] == "oauth2-token")
            #expect(credential["data"]?["accessToken"] == "")
            #expect(credential["data"]?["refreshToken"] == "")
            #expect(json["credentials"]?["action"]?[0]?["authSchemeConfig"]?["grant"]?["clientSecret"] == "")
            let sent = try #require(exchanger.received)
            #expect(sent.code == "CODE-123")
            #expect(sent.tokenURL == "https://auth.example.com/token")
            #expect(sent.clientID == "client-1")
            #expect(sent.clientSecret == "CLIENT-SECRET-1")
            #expect(sent.requestedScopes == ["read"])
            try await VaultProbe.expectSealed(
                app, credentialID: try #require(credential["id"]?.stringValue), organisationID: tenant.organisationID,
                secrets: ["refreshToken": "REFRESH-1", "accessToken": "ACCESS-1"])
        }
    }

    @Test func withoutAClientTheCodeIsNotExchanged() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            var scheme = Self.scheme
            if case .object(var object) = scheme {
                object["grant"] = ["grantType": "authorization_code"]
                scheme = .object(object)
            }
            let body: JSONValue = [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                    scheme, ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-123", "state": "st"]])]),
            ]
            let before = try await app.rowCounts(tenant.organisationID)
            let exchanger = FakeExchanger(answer: .failure(APIError(.internalError, "must not be called")))
            var request = Request(
                method: .POST, target: "/hubs/\(tenant.hubID)/users/oak/connections",
                headers: ["Content-Type": "application/json"], body: body.serialized())
            request.parameters = ["hub_id": tenant.hubID, "user_id": "oak"]
            do {
                _ = try await CreateConnectionRoute.handle(
                    request, principal: .organisation(organisationID: tenant.organisationID, apiKeyID: "k"),
                    creation: ConnectionCreation(context: app.context, exchanger: exchanger))
                Issue.record("expected a validation error")
            } catch let error as APIError {
                #expect(error.code == .validationFailed)
                #expect(error.fields.map(\.field) == ["connection.credentials.action[0].authSchemeConfig.grant.clientId"])
            }
            #expect(exchanger.received == nil)
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }

    /// A grant with no client is refused while the body is decoded, before any statement: even on a hub that
    /// does not exist (found only by a statement) the answer is the body's 400, not 404001.
    @Test func withoutAClientTheBodyIsRefusedBeforeAnyLookup() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            var scheme = Self.scheme
            if case .object(var object) = scheme {
                object["grant"] = ["grantType": "authorization_code", "clientId": "client-1"]
                scheme = .object(object)
            }
            let body: JSONValue = [
                "connectorId": .string(tenant.connectorID),
                "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                    scheme, ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-123", "state": "st"]])]),
            ]
            let response = await app.request(
                .POST, "/hubs/01JDQ8Z7M4V3X2W1T0S9R8Q7P6/users/oak/connections", auth: tenant.auth, json: body)
            #expect(response.status == 400)
            #expect(response.errorCode == "400002")
            #expect(response.errorFields == ["connection.credentials.action[0].authSchemeConfig.grant.clientId"])
        }
    }

    @Test func aFailedExchangeWritesNothing() async throws {
        try await withConnectionsApp { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "oak")
            let before = try await app.rowCounts(tenant.organisationID)
            let exchanger = FakeExchanger(answer: .failure(APIError(.oauthExchangeRejected, "the token endpoint refused the code")))
            await #expect(throws: APIError.self) { try await create(app, tenant, exchanger: exchanger) }
            #expect(try await app.rowCounts(tenant.organisationID) == before)
        }
    }
}

final class FakeExchanger: OAuthCodeExchanging {
    let answer: Result<JSONObject, APIError>
    private let request = Mutex<OAuthCodeExchangeRequest?>(nil)
    init(answer: Result<JSONObject, APIError>) { self.answer = answer }
    var received: OAuthCodeExchangeRequest? { request.withLock { $0 } }

    func exchange(_ request: OAuthCodeExchangeRequest) async throws -> JSONObject {
        self.request.withLock { $0 = request }
        return try answer.get()
    }
}
