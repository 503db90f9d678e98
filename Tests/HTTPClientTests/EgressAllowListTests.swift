import HTTP1
@testable import HTTPClient
import Testing
import TestSupport

/// `OUTBOUND_ALLOWED_NETWORKS` at the client: refused targets are never connected to, and a host name is
/// judged by what it resolves to. Over a recording network, so nothing is contacted whatever the outcome.
@Suite struct EgressAllowListTests {
    static func client(_ recorder: RecordingNetwork) -> HTTPClient {
        HTTPClient(
            configuration: HTTPClientConfiguration(allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback),
            network: recorder.network)
    }

    @Test func aPublicLiteralIsRefusedWithoutAConnectionAttempt() async {
        let recorder = RecordingNetwork()
        for url in ["http://192.0.2.10/token", "https://[2001:db8::10]/token", "http://8.8.8.8:8080/"] {
            await #expect(throws: HTTPClientError.refused(.outsideAllowedNetworks)) {
                try await Self.client(recorder).send(OutboundRequest(method: .POST, url: url))
            }
        }
        #expect(recorder.connectionAttempts.isEmpty)
    }

    @Test func aHostNameIsResolvedThenRefusedWhenAnyAnswerIsOutside() async {
        let recorder = RecordingNetwork(answers: [
            "token.example.com": [.v4(0x5DB8_D822)],  // 93.184.216.34
            "mixed.example.com": [.v4(0x7F00_0001), .v4(0x5DB8_D822)],
        ])
        for host in ["token.example.com", "mixed.example.com"] {
            await #expect(throws: HTTPClientError.refused(.outsideAllowedNetworks)) {
                try await Self.client(recorder).send(OutboundRequest(method: .GET, url: "https://\(host)/token"))
            }
        }
        #expect(recorder.resolvedHosts == ["token.example.com", "mixed.example.com"])
        #expect(recorder.connectionAttempts.isEmpty)
    }

    @Test func anAddressInsideIsConnectedToExactlyAsChecked() async {
        let recorder = RecordingNetwork(answers: ["localhost": [.v4(0x7F00_0001), .v6(Array(repeating: 0, count: 15) + [1])]])
        await #expect(throws: HTTPClientError.connectionFailed) {
            try await Self.client(recorder).send(OutboundRequest(method: .GET, url: "http://localhost:9/"))
        }
        #expect(recorder.connectionAttempts == ["127.0.0.1:9", "::1:9"])
    }
}

@Suite struct TenantBudgetTests {
    @Test func oneTenantAtItsLimitLeavesRoomForTheOthers() {
        let budget = ThreadBudget(limit: 3, perTenantLimit: 2)
        #expect(budget.acquire(tenant: "org-a") == nil)
        #expect(budget.acquire(tenant: "org-a") == nil)
        #expect(budget.acquire(tenant: "org-a") == .tenantConcurrencyLimit)
        #expect(budget.acquire(tenant: "org-b") == nil)
        #expect(budget.acquire(tenant: "org-c") == .tooManyRequestsInFlight)
        budget.release(tenant: "org-a")
        #expect(budget.acquire(tenant: "org-a") == nil)
        budget.release(tenant: "org-b")
        #expect(budget.acquire(tenant: nil) == nil)
    }
}
