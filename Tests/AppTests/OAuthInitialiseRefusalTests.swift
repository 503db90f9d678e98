@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// Every refusal of InitialiseOAuth2EmbeddedConnection names its status, code and field, and stores no state.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OAuthInitialiseRefusalTests {
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var changes: [String: JSONValue] = [:]
        var status: Int
        var code: String
        var field: String?
        var testDescription: String { name }
    }

    static let bodyRefusals: [Refusal] = [
        Refusal(name: "wrong clientId", changes: ["clientId": "someone-else"], status: 400, code: "400030", field: "clientId"),
        Refusal(name: "reserved additional parameter", changes: ["additionalParams": "a=1&redirect_uri=https%3A%2F%2Fevil"],
                status: 400, code: "400002", field: "additionalParams"),
        Refusal(name: "prompt set twice", changes: ["prompt": "consent", "additionalParams": "prompt=none"],
                status: 400, code: "400002", field: "additionalParams"),
        Refusal(name: "plain http returnUrl", changes: ["returnUrl": "http://app.example.com/done"],
                status: 400, code: "400002", field: "returnUrl"),
        Refusal(name: "returnUrl with a fragment", changes: ["returnUrl": "https://app.example.com/#done"],
                status: 400, code: "400002", field: "returnUrl"),
        Refusal(name: "no userId with an API key", changes: ["userId": .null], status: 400, code: "400002", field: "userId"),
        Refusal(name: "no clientId", changes: ["clientId": .null], status: 400, code: "400002", field: "clientId"),
        Refusal(name: "authorizeUrl not http", changes: ["authorizeUrl": "ftp://auth.example.com"],
                status: 400, code: "400002", field: "authorizeUrl"),
        Refusal(name: "unknown user", changes: ["userId": "nobody"], status: 404, code: "404002", field: nil),
        Refusal(name: "credential without organisationId", changes: ["credential": ["id": "01J0000000000000000000000Z"]],
                status: 400, code: "400002", field: "credential.organisationId"),
    ]

    @Test(arguments: bodyRefusals)
    func aBadBodyIsRefused(_ refusal: Refusal) async throws {
        try await OAuthFlow.with { flow in
            let response = await flow.initialise(flow.body(refusal.changes))
            try await Self.expectRefused(flow, response, refusal)
        }
    }

    @Test func unknownPathsAndCredentialsAreNotFound() async throws {
        try await OAuthFlow.with { flow in
            let other = try await flow.app.makeTenant()
            let cases: [(AppResponse, Refusal)] = [
                (await flow.initialise(flow.body(), hubID: "01J0000000000000000000000H"),
                 Refusal(name: "hub", status: 404, code: "404001")),
                (await flow.initialise(flow.body(), connectorID: "01J0000000000000000000000C"),
                 Refusal(name: "connector", status: 404, code: "404003")),
                (await flow.initialise(flow.body(["credential": ["id": "01J0000000000000000000000Z",
                                                                 "organisationId": .string(flow.tenant.organisationID)]])),
                 Refusal(name: "credential", status: 404, code: "404004", field: "credential.id")),
                (await flow.initialise(flow.body(["credential": ["id": .string(flow.clientCredentialID),
                                                                 "organisationId": .string(other.organisationID)]])),
                 Refusal(name: "another organisation", status: 404, code: "404004", field: "credential.organisationId")),
                (await flow.initialise(flow.body(), query: "?identifier_type=neither"),
                 Refusal(name: "identifier_type", status: 400, code: "400003", field: "identifier_type")),
            ]
            for (response, refusal) in cases { try await Self.expectRefused(flow, response, refusal) }
        }
    }

    @Test func anEndUserTokenMayUseOnlyTheClientItsConnectorDesignates() async throws {
        try await OAuthFlow.with { flow in
            let token = try flow.tenant.endUserAuth("victim")
            let refused = await flow.initialise(flow.body(["userId": .null]), auth: token)
            try await Self.expectRefused(flow, refused, Refusal(name: "token", status: 400, code: "400031", field: "credential.id"))
            let other = await flow.initialise(flow.body(["userId": "mallory"]), auth: token)
            try await Self.expectRefused(flow, other, Refusal(name: "another user", status: 403, code: "403001"))
            // A connector whose oauth2 scheme designates the credential.
            let made = await flow.app.request(
                .POST, "/o/\(flow.tenant.organisationID)/protocols/http/connectors", auth: flow.tenant.auth, json: [
                    "name": "designating", "baseUrl": "https://api.example.com",
                    "authSchemeConfigs": [GrantCredentialIdExfiltrationTests.codeScheme(
                        credentialID: flow.clientCredentialID, tokenURL: flow.tokenURL)],
                ])
            let connectorID = try #require(made["id"]?.stringValue, "\(made.text)")
            let allowed = await flow.initialise(flow.body(["userId": .null]), auth: token, connectorID: connectorID)
            #expect(allowed.status == 200, "\(allowed.text)")
        }
    }

    @Test func withoutPublicBaseURLInitialiseIsUnavailable() async throws {
        try await OAuthFlow.with(publicBaseURL: nil) { flow in
            let response = await flow.initialise(flow.body())
            try await Self.expectRefused(flow, response, Refusal(name: "unset", status: 503, code: "503005"))
        }
    }

    static func expectRefused(
        _ flow: OAuthFlow, _ response: AppResponse, _ refusal: Refusal, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(response.status == refusal.status, "\(refusal.name): \(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == refusal.code, "\(refusal.name): \(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorFields == (refusal.field.map { [$0] } ?? []), "\(refusal.name)", sourceLocation: sourceLocation)
        #expect(try await flow.counts().states == 0, "\(refusal.name)", sourceLocation: sourceLocation)
    }
}
