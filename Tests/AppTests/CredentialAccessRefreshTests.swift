@testable import App
import HTTP1
import JSON
import TestSupport
import Testing

/// `/access` renews an oauth2 token that expires within a minute through the token refresher, at the client's own
/// token endpoint, before answering it.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct CredentialAccessRefreshTests {
    @Test func anExpiringTokenIsRefreshedBeforeItIsAnswered() async throws {
        try await OAuthFlow.with(expiresIn: 30) { flow in
            let connectionID = try #require(OAuthFlow.outcome(try await flow.connect(code: "C-ACCESS"))?["connectionId"])
            let key = try await OperatorCommands.makeAPIKey(
                organisationID: flow.tenant.organisationID, scopes: [.connectionsAccess], database: flow.app.context.database)
            TestSecretsLedger.record([key.apiKey.value])
            let answered = await flow.app.request(
                .GET, "/hubs/\(flow.tenant.hubID)/users/victim/connections/\(connectionID)/access",
                auth: ["Authorization": "Bearer \(key.apiKey.value)"])
            #expect(answered.status == 200, "\(answered.text)")
            let auth = answered["bindings"]?[0]?["auth"]
            #expect(auth?["accessToken"] == "AT-2")
            #expect(auth?["header"] == "Bearer AT-2")
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
        }
    }
}
