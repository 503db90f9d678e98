@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// The OAuth 2.0 flow reports itself: a callback's new connection writes `connection.created` and
/// `oauth2.connection_completed` (a rebind only the latter) in its transaction, and a refresh the provider refuses
/// writes `credential.refresh_failed` naming the connections that bind the token.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OAuthEventTests {
    static let types = ["connection.created", "oauth2.connection_completed", "credential.refresh_failed"]

    @Test func aCallbackReportsTheConnectionAndARebindOnlyItsCompletion() async throws {
        try await OAuthFlow.with { flow in
            let organisationID = flow.tenant.organisationID
            _ = try await flow.app.createWebhook(flow.tenant, url: "https://localhost:9/hook", events: Self.types)
            let connectionID = try #require(OAuthFlow.outcome(try await flow.connect(code: "C-E1"))?["connectionId"])
            var events = try await flow.app.events(organisationID)
            #expect(events.map(\.type) == ["connection.created", "oauth2.connection_completed"])
            #expect(events.last?.data["connection"]?["id"] == .string(connectionID))
            #expect(events.last?.data["endUser"]?["externalId"] == "victim")
            #expect(!String(decoding: JSONValue.array(events.map(\.data)).serialized(), as: UTF8.self).contains("AT-1"))

            let again = try #require(OAuthFlow.outcome(try await flow.connect(code: "C-E2"))?["connectionId"])
            #expect(again == connectionID)
            events = try await flow.app.events(organisationID)
            #expect(events.map(\.type) == ["connection.created", "oauth2.connection_completed", "oauth2.connection_completed"])
        }
    }

    @Test func aRefusedRefreshReportsTheConnectionsToReconnect() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let organisationID = flow.tenant.organisationID
            let connectionID = try #require(OAuthFlow.outcome(try await flow.connect(code: "C-E3"))?["connectionId"])
            _ = try await flow.app.createWebhook(flow.tenant, url: "https://localhost:9/hook", events: ["credential.refresh_failed"])
            flow.provider.revoke(refreshToken: "RT-1")
            #expect(try await OAuthTokenRefresher(context: flow.app.context).refreshDue(organisationID: organisationID) == 0)
            let events = try await flow.app.events(organisationID)
            #expect(events.map(\.type) == ["credential.refresh_failed"])
            let data = try #require(events.first?.data)
            #expect(data["connections"]?[0]?["id"] == .string(connectionID))
            #expect(data["connections"]?[0]?["endUser"]?["externalId"] == "victim")
            #expect(data["credential"]?["id"]?.stringValue != nil)
            #expect(!String(decoding: data.serialized(), as: UTF8.self).contains("RT-1"))
        }
    }
}
