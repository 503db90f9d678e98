@testable import App
import Cryptography
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing
import TraceContext

/// The OAuth 2.0 authorization code flow end to end, against the test provider over a real socket: initialise,
/// the user agreeing (played by the test), the callback's exchange with PKCE, the stored token and connection.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct OAuthFlowTests {
    @Test func initialiseThenCallbackStoresASealedTokenAndAConnection() async throws {
        try await OAuthFlow.with { flow in
            let response = await flow.initialise(flow.body())
            #expect(response.status == 200, "\(response.text)")
            let url = try #require(response["url"]?.stringValue)
            #expect(url.hasPrefix("https://auth.example.com/authorize?tenant=x&response_type=code&"))
            let parameters = OAuthFlow.parameters(of: url)
            #expect(parameters["client_id"] == "org-client")
            #expect(parameters["redirect_uri"] == "https://embed.example.com/oauth2/callback")
            #expect(parameters["scope"] == "read offline_access")
            #expect(parameters["prompt"] == "login")
            #expect(parameters["code_challenge_method"] == "S256")
            let state = try #require(parameters["state"])
            #expect(Base64.decodeURL(state)?.count == 32)  // 256 random bits
            // Stored only hashed: the table holds the state's SHA-256, never the state.
            let stored = try await flow.app.context.database.withConnection { connection in
                try await connection.query("""
                    SELECT count(*)::int AS n FROM oauth2_states
                    WHERE state_hash = decode(\(Hex.encode(Digest.sha256(Array(state.utf8)))), 'hex')
                    """).rows[0].int("n")
            }
            #expect(stored == 1)

            let before = try await flow.counts()
            let code = "CODE-FLOW-1"
            flow.provider.issue(
                code: code, clientID: "org-client", redirectURI: parameters["redirect_uri"] ?? "",
                challenge: parameters["code_challenge"] ?? "")
            let callback = await flow.callback("code=\(code)&state=\(state)", headers: ["traceparent": TraceFixture.parent])
            let outcome = try #require(OAuthFlow.outcome(callback), "\(callback.status) \(callback.headers)")
            // The code exchange went to the provider as a span of ours in the caller's trace.
            let exchanged = try #require(flow.provider.snapshot.traceparents.last?.flatMap(TraceParent.init(parsing:)))
            let answered = try #require(callback.headers["traceparent"].flatMap(TraceParent.init(parsing:)))
            #expect(exchanged.traceID.hex == TraceFixture.traceHex && answered.traceID.hex == TraceFixture.traceHex)
            #expect(Set([exchanged.parentID, answered.parentID, TraceFixture.parentID]).count == 3)
            let connectionID = try #require(outcome["connectionId"])
            let after = try await flow.counts()
            #expect(after.0.connections == before.0.connections + 1)
            #expect(after.0.credentials == before.0.credentials + 1)
            // The provider saw the verifier, the redirect_uri and the client's Basic authentication (it checks all).
            #expect(flow.provider.snapshot.issued == 1)

            let read = await flow.app.request(
                .GET, "/hubs/\(flow.tenant.hubID)/users/victim/connections/\(connectionID)?identifier_type=external",
                auth: flow.tenant.auth)
            #expect(read.status == 200, "\(read.text)")
            #expect(read["name"] == "connector")
            let entry = try #require(read["credentials"]?["action"]?[0])
            #expect(entry["credential"]?["type"] == "oauth2-token")
            #expect(entry["authSchemeConfig"]?["grant"]?["credentialId"]?.stringValue == flow.clientCredentialID)
            try await VaultProbe.expectSealed(
                flow.app, credentialID: try #require(entry["credential"]?["id"]?.stringValue),
                organisationID: flow.tenant.organisationID, secrets: ["refreshToken": "RT-1", "accessToken": "AT-1"])
            for secret in ["AT-1", "RT-1", code, GrantCredentialIdExfiltrationTests.clientSecret, state] {
                #expect(!flow.app.logs.all.contains(secret))
                #expect(!read.text.contains(secret))
            }

            // The state is single-use: a replay goes to the returnUrl with an error and writes nothing.
            let replay = await flow.callback("code=\(code)&state=\(state)")
            #expect(OAuthFlow.outcome(replay)?["error"] == "invalid_state", "\(replay.headers)")
            #expect(try await flow.counts().0 == after.0)
        }
    }

    @Test func aSecondFlowOfTheSameNameRebindsTheConnectionAndDropsTheOldToken() async throws {
        try await OAuthFlow.with { flow in
            let first = try #require(OAuthFlow.outcome(try await flow.connect(["connectionName": "crm"], code: "C-1")))
            let before = try await flow.counts()
            let second = try #require(OAuthFlow.outcome(try await flow.connect(["connectionName": "crm"], code: "C-2")))
            #expect(second["connectionId"] == first["connectionId"])
            let after = try await flow.counts()
            #expect(after.0.connections == before.0.connections)
            #expect(after.0.credentials == before.0.credentials)  // the new token in, the old one out
            #expect(after.0.bindings == before.0.bindings)
        }
    }

    @Test func withoutAReturnURLTheCallbackAnswersAPage() async throws {
        try await OAuthFlow.with { flow in
            let success = try await flow.connect(["returnUrl": .null], code: "C-PAGE")
            #expect(success.status == 200, "\(success.text)")
            #expect(success.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(success.text.contains("Connected"))
            let unknown = await flow.callback("code=C&state=\(OAuth2AuthorizeURL.randomToken())")
            #expect(unknown.status == 400)
            #expect(unknown.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(unknown.text.contains("invalid_state"))
            let noState = await flow.callback("code=C")
            #expect(noState.status == 400)
        }
    }

    @Test func everyFailedCallbackGoesToTheReturnURLWithAnErrorAndWritesNothing() async throws {
        try await OAuthFlow.with { flow in
            let before = try await flow.counts()
            // The provider's own error (the user said no).
            let denied = try flow.authorize(await flow.initialise(flow.body()), code: "UNUSED-1")
            let deniedAnswer = await flow.callback("error=access_denied&error_description=no+thanks&state=\(denied)")
            #expect(OAuthFlow.outcome(deniedAnswer)?["error"] == "access_denied", "\(deniedAnswer.headers)")
            #expect(OAuthFlow.outcome(deniedAnswer)?["error_description"] == "no thanks")
            // A code the provider refuses (never issued).
            let refused = try flow.authorize(await flow.initialise(flow.body()), code: "ISSUED-2")
            let refusedAnswer = await flow.callback("code=NOT-ISSUED&state=\(refused)")
            #expect(OAuthFlow.outcome(refusedAnswer)?["error"] == "invalid_grant", "\(refusedAnswer.headers)")
            // An expired state.
            let expired = try flow.authorize(await flow.initialise(flow.body()), code: "C-3")
            _ = try await flow.app.context.database.withConnection { connection in
                try await connection.query("""
                    UPDATE oauth2_states SET expires_at = now() - interval '1 second'
                    WHERE state_hash = decode(\(Hex.encode(Digest.sha256(Array(expired.utf8)))), 'hex')
                    """)
            }
            let expiredAnswer = await flow.callback("code=C-3&state=\(expired)")
            #expect(OAuthFlow.outcome(expiredAnswer)?["error"] == "invalid_state", "\(expiredAnswer.headers)")
            #expect(OAuthFlow.outcome(expiredAnswer)?["error_description"]?.contains("expired") == true)
            #expect(flow.provider.snapshot.tokenRequests.count == 1)  // only the refused code reached it
            // A callback without code or error.
            let empty = try flow.authorize(await flow.initialise(flow.body()), code: "C-4")
            #expect(OAuthFlow.outcome(await flow.callback("state=\(empty)"))?["error"] == "invalid_request")
            let after = try await flow.counts()
            #expect(after.0 == before.0)
        }
    }
}
