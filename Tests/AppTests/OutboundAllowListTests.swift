@testable import App
import HTTP1
import HTTPClient
import JSON
import TestSupport
import Testing

/// `OUTBOUND_ALLOWED_NETWORKS` end to end: an oauth2-code connection whose token URL lies outside the allow-list
/// is refused with the guard's 400 before any connection is attempted, and nothing is written. The outbound
/// client runs over a recording network, so nothing is contacted even if the guard failed.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OutboundAllowListTests {
    static func body(connectorID: String, tokenURL: String) -> JSONValue {
        var scheme = ConnectionOAuthCodeTests.scheme
        if case .object(var object) = scheme {
            object["tokenUrl"] = .string(tokenURL)
            scheme = .object(object)
        }
        return [
            "connectorId": .string(connectorID),
            "connection": Bodies.connection(name: "oauth", action: [Bodies.entry(
                scheme, ["name": "code", "type": "oauth2-code", "data": ["code": "CODE-1", "state": "st"]])]),
        ]
    }

    @Test func aTokenURLOutsideTheAllowListIsRefusedWithoutAConnectionAttempt() async throws {
        let recorder = RecordingNetwork(answers: ["login.example.com": [.v4(0x5DB8_D822)]])
        try await withConnectionsApp(configure: { $0.outboundAllowPrivateNetworks = true }, network: recorder.network) { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "quinn")
            for tokenURL in ["https://192.0.2.10/token", "https://login.example.com/token"] {
                let response = await app.createConnection(
                    tenant, user: "quinn", body: Self.body(connectorID: tenant.connectorID, tokenURL: tokenURL))
                #expect(response.status == 400, "\(response.text)")
                #expect(response.errorCode == "400006")
                #expect(response["message"]?.stringValue?.contains("outside the allowed networks") == true)
            }
            #expect(recorder.resolvedHosts == ["192.0.2.10", "login.example.com"])
            #expect(recorder.connectionAttempts.isEmpty)
            let list = await app.request(.GET, "/hubs/\(tenant.hubID)/users/quinn/connections", auth: tenant.auth)
            #expect(list["totalCount"] == 1, "only the primary connection: \(list.text)")
        }
    }

    @Test func anOrganisationAtItsOutboundLimitIsToldToRetry() {
        let error = OAuthExchangeError(HTTPClientError.tenantConcurrencyLimit).apiError
        #expect(error.code == .outboundBusy)
        #expect(error.status.code == 503)
        #expect(error.headers["Retry-After"] == "1")
    }
}
