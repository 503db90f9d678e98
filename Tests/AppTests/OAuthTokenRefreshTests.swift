@testable import App
import Cryptography
import HTTP1
@testable import HTTPClient
import JSON
import Postgres
import TestSupport
import Testing
import TraceContext

/// Tokens kept fresh: a token within 5 minutes of `expiresAt` is renewed at its client's own token endpoint,
/// exactly once however many server instances look, and a refused refresh (`invalid_grant`) is surfaced.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OAuthTokenRefreshTests {
    /// The token credential of the connection a callback answered.
    private func tokenCredential(_ flow: OAuthFlow, _ callback: AppResponse) async throws -> (connectionID: String, tokenID: String) {
        let connectionID = try #require(OAuthFlow.outcome(callback)?["connectionId"], "\(callback.headers)")
        let read = await flow.app.request(
            .GET, "/hubs/\(flow.tenant.hubID)/users/victim/connections/\(connectionID)", auth: flow.tenant.auth)
        return (connectionID, try #require(read["credentials"]?["action"]?[0]?["credential"]?["id"]?.stringValue, "\(read.text)"))
    }

    @Test func aTokenIsRefreshedBeforeItExpiresAndServedFreshAfterwards() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let (_, tokenID) = try await tokenCredential(flow, try await flow.connect(code: "C-R1"))
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            #expect(try await refresher.refreshDue(organisationID: flow.tenant.organisationID) == 1)
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
            try await VaultProbe.expectSealed(
                flow.app, credentialID: tokenID, organisationID: flow.tenant.organisationID,
                secrets: ["refreshToken": "RT-2", "accessToken": "AT-2"])
            // Renewed for an hour: not due, so served as stored without another call.
            #expect(try await refresher.refreshDue(organisationID: flow.tenant.organisationID) == 0)
            let access = try await refresher.freshAccessToken(credentialID: tokenID, organisationID: flow.tenant.organisationID)
            #expect(access == "AT-2")
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
            #expect(!flow.app.logs.all.contains("RT-2"))
            #expect(flow.app.context.metrics.tokenRefreshes.render().contains(#"oauth_token_refreshes_total{outcome="renewed"} 1"#))
        }
    }

    @Test func freshAccessTokenRefreshesADueTokenItself() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let (_, tokenID) = try await tokenCredential(flow, try await flow.connect(code: "C-R2"))
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            let access = try await refresher.freshAccessToken(credentialID: tokenID, organisationID: flow.tenant.organisationID)
            #expect(access == "AT-2")
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
            let other = try await refresher.freshAccessToken(credentialID: tokenID, organisationID: "01J0000000000000000000000O")
            #expect(other == nil)
        }
    }

    @Test func aRefusedRefreshMarksTheCredentialAndTheBinding() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let (connectionID, tokenID) = try await tokenCredential(flow, try await flow.connect(code: "C-R3"))
            flow.provider.revoke(refreshToken: "RT-1")
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            #expect(try await refresher.refreshDue(organisationID: flow.tenant.organisationID) == 0)
            let read = await flow.app.request(
                .GET, "/hubs/\(flow.tenant.hubID)/users/victim/connections/\(connectionID)", auth: flow.tenant.auth)
            let entry = try #require(read["credentials"]?["action"]?[0], "\(read.text)")
            #expect(entry["credential"]?["errors"] == .strings([OAuthTokenRefresher.refusedMessage]))
            #expect(entry["authSchemeConfig"]?["validationMessages"]?[0]?["severity"] == "error")
            // Marked: no further attempts until the end user connects again.
            #expect(try await refresher.refreshDue(organisationID: flow.tenant.organisationID) == 0)
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
            await #expect(throws: APIError.self) {
                _ = try await refresher.freshAccessToken(credentialID: tokenID, organisationID: flow.tenant.organisationID)
            }
        }
    }

    @Test func aProviderThatIsDownIsRetriedAfterABackoff() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let (_, tokenID) = try await tokenCredential(flow, try await flow.connect(code: "C-R4"))
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            let organisationID = flow.tenant.organisationID
            flow.provider.setRefreshesUnavailable(true)
            #expect(try await refresher.refreshDue(organisationID: organisationID) == 0)
            #expect(try await refresher.refreshDue(organisationID: organisationID) == 0)
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])  // the second pass waited
            // A background refresh is a trace of its own, new (not sampled), named by its call and its log line.
            let traceparents = flow.provider.snapshot.traceparents.compactMap { $0.flatMap(TraceParent.init(parsing:)) }
            #expect(traceparents.count == 2)
            let refresh = try #require(traceparents.last)
            #expect(refresh.traceID != traceparents.first?.traceID && refresh.flags == 0)
            let line = flow.app.logs.all.split(separator: "\n").first { $0.contains("retried after a backoff") }
            #expect(line?.contains("\"trace.id\": \(refresh.traceID.hex)") == true, "\(line ?? "no line")")
            let backoff = { () async throws -> Int? in
                try await flow.app.context.database.withConnection { connection in
                    try await connection.query("SELECT failures FROM oauth2_refresh_backoff WHERE credential_id = \(tokenID)")
                        .rows.first.map { try $0.int("failures") }
                }
            }
            #expect(try await backoff() == 1)
            _ = try await flow.app.context.database.withConnection { connection in
                try await connection.query("UPDATE oauth2_refresh_backoff SET retry_at = now() WHERE credential_id = \(tokenID)")
            }
            flow.provider.setRefreshesUnavailable(false)
            #expect(try await refresher.refreshDue(organisationID: organisationID) == 1)
            #expect(try await backoff() == nil)
            #expect(flow.app.context.metrics.tokenRefreshes.render().contains(#"outcome="failed"} 1"#))
        }
    }

    /// With every outbound slot of the organisation taken (webhook deliveries, say), a refresh never leaves: that is
    /// no failure of the provider, so the token gets no backoff and the next pass renews it.
    @Test func aRefreshKeptBackByTheOrganisationsOutboundLimitIsTriedOnTheNextPass() async throws {
        try await OAuthFlow.with(expiresIn: 60) { flow in
            let (_, tokenID) = try await tokenCredential(flow, try await flow.connect(code: "C-R6"))
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            let organisationID = flow.tenant.organisationID
            let budget = flow.app.context.outbound.threads
            var held = 0
            var refusal: HTTPClientError?
            while refusal == nil {
                refusal = budget.acquire(tenant: organisationID)
                if refusal == nil { held += 1 }
            }
            #expect(refusal == .tenantConcurrencyLimit)
            #expect(try await refresher.refreshDue(organisationID: organisationID) == 0)
            for _ in 0..<held { budget.release(tenant: organisationID) }
            #expect(flow.provider.snapshot.refreshes == [])
            let backoffs = try await flow.app.context.database.withConnection { connection in
                try await connection.query("SELECT 1 FROM oauth2_refresh_backoff WHERE credential_id = \(tokenID)").rows.count
            }
            #expect(backoffs == 0)
            #expect(try await refresher.refreshDue(organisationID: organisationID) == 1)
            #expect(flow.provider.snapshot.refreshes == ["RT-1"])
        }
    }

    @Test func aClientCredentialsTokenIsFetchedOnDemandAndCachedUntilItExpires() async throws {
        try await OAuthFlow.with(expiresIn: 3600) { flow in
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            let organisationID = flow.tenant.organisationID
            let first = try await refresher.freshAccessToken(credentialID: flow.clientCredentialID, organisationID: organisationID)
            let second = try await refresher.freshAccessToken(credentialID: flow.clientCredentialID, organisationID: organisationID)
            #expect(first == "CC-1")
            #expect(second == "CC-1")
            #expect(flow.provider.snapshot.clientCredentialsScopes.count == 1)
            // A changed client (its updated_at moves) fetches anew.
            _ = try await flow.app.context.database.withConnection { connection in
                try await connection.query("UPDATE credentials SET updated_at = now() + interval '1 second' WHERE id = \(flow.clientCredentialID)")
            }
            let third = try await refresher.freshAccessToken(credentialID: flow.clientCredentialID, organisationID: organisationID)
            #expect(third == "CC-2")
            #expect(!flow.app.logs.all.contains("CC-1"))
        }
    }

    @Test func aPasswordTokenUsesTheClientItsGrantNamesAndIsCached() async throws {
        try await OAuthFlow.with(expiresIn: 3600) { flow in
            let scheme: JSONValue = [
                "id": "pw", "description": "pw", "schemeType": "oauth2", "authorizeUrl": "", "tokenUrl": .string(flow.tokenURL),
                "scopes": [], "defaultScopes": [],
                "grant": ["grantType": "password", "credentialId": .string(flow.clientCredentialID)],
            ]
            let credential: JSONValue = [
                "name": "ada login", "type": "oauth2-password", "data": ["username": "ada", "password": "PW-SECRET-7"],
            ]
            let made = await flow.app.createConnection(flow.tenant, user: "victim", body: [
                "connectorId": .string(flow.tenant.connectorID),
                "connection": Bodies.connection(name: "password", action: [Bodies.entry(scheme, credential)]),
            ])
            let passwordID = try #require(made["credentials"]?["action"]?[0]?["credential"]?["id"]?.stringValue, "\(made.text)")
            let refresher = OAuthTokenRefresher(context: flow.app.context)
            let organisationID = flow.tenant.organisationID
            #expect(try await refresher.freshAccessToken(credentialID: passwordID, organisationID: organisationID) == "PW-1")
            #expect(try await refresher.freshAccessToken(credentialID: passwordID, organisationID: organisationID) == "PW-1")
            #expect(flow.provider.snapshot.issued == 1)
            #expect(!flow.app.logs.all.contains("PW-SECRET-7"))
        }
    }

    @Test func twoServerInstancesOnOneDatabaseRefreshEachTokenOnce() async throws {
        let keys = KeyRing.generateKeySpecification(version: "shared1")
        try await OAuthFlow.with(expiresIn: 60, refreshDelay: .milliseconds(300), credentialKeys: keys) { flow in
            for name in ["one", "two", "three"] {
                _ = try await tokenCredential(flow, try await flow.connect(["connectionName": .string(name)], code: "C-\(name)"))
            }
            let (other, _) = try await ConnectionsApp.makeContext(credentialKeys: keys, configure: {
                $0.outboundAllowPrivateNetworks = true
            })
            defer { other.database.shutdown() }
            let first = OAuthTokenRefresher(context: flow.app.context), second = OAuthTokenRefresher(context: other)
            let organisationID = flow.tenant.organisationID
            async let a = first.refreshDue(organisationID: organisationID)
            async let b = second.refreshDue(organisationID: organisationID)
            let renewed = try await a + b
            #expect(renewed == 3)
            #expect(flow.provider.snapshot.refreshes.sorted() == ["RT-1", "RT-2", "RT-3"])
        }
    }
}
