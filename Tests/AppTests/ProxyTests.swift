@testable import App
import Cryptography
import Domain
import Foundation
import HTTP1
import HTTPServer
import JSON
import Postgres
import Synchronization
import TestSupport
import Testing
import TraceContext

/// The proxy against a provider of our own on 127.0.0.1 that records what reached it: the path, query, body and
/// end-to-end headers forwarded; hop-by-hop headers, the caller's `Authorization` and `Connection-Binding`
/// stripped; each scheme applied as the provider would check it; the answer relayed minus hop-by-hop headers; the
/// caller's trace continued upstream as a span of ours, never forwarded as the caller sent it.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct ProxyTests {
    private func proxyPath(_ access: AccessTenant, _ connectionID: String, _ rest: String) -> String {
        "/hubs/\(access.tenant.hubID)/users/ada/connections/\(connectionID)/proxy/\(rest)"
    }

    @Test func forwardsTheRequestAndRelaysTheAnswerWithoutHopByHopHeaders() async throws {
        let upstream = RecordingUpstream()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base/", action: [AccessBodies.apiKey(in: "header")])
                var headers = access.accessAuth
                for (name, value) in [
                    ("Content-Type", "text/plain"), ("Connection-Binding", "action:0"), ("X-Forward-Me", "yes"),
                    ("Keep-Alive", "300"), ("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0"), ("X-Hop-Req", "1"),
                    ("Connection", "X-Hop-Req"), ("X-Api-Key", "caller-supplied"),
                    ("traceparent", TraceFixture.parent), ("tracestate", "rojo=00f067aa0ba902b7"),
                ] { headers.add(name: name, value: value) }
                let response = await app.send(
                    .POST, proxyPath(access, connectionID, "echo/a%2Fb/?q=1&identifier_type=external&x=y%20z"),
                    headers: headers, body: Array("raw body bytes".utf8))
                #expect(response.status == 207, "\(response.text)")
                #expect(response.text == "answer to POST /base/echo/a%2Fb/?q=1&x=y%20z")
                #expect(response.headers["X-Upstream"] == "kept")
                #expect(response.headers["Content-Type"] == "text/plain")
                for hop in ["Keep-Alive", "Proxy-Authenticate", "Trailer", "Upgrade"] { #expect(response.headers[hop] == nil, "\(hop)") }

                let received = try #require(upstream.last)
                #expect(received.method == .POST)
                #expect(received.target == "/base/echo/a%2Fb/?q=1&x=y%20z")
                #expect(received.body == Array("raw body bytes".utf8))
                #expect(received.headers["X-Forward-Me"] == "yes")
                #expect(received.headers["Content-Type"] == "text/plain")
                #expect(received.headers.values(for: "X-Api-Key") == ["API-KEY-SECRET"])
                for stripped in ["Authorization", "Connection-Binding", "Keep-Alive", "Proxy-Authorization", "X-Hop-Req"] {
                    #expect(received.headers[stripped] == nil, "\(stripped) reached the provider")
                }
                #expect(!app.logs.all.contains("API-KEY-SECRET"))
                #expect(app.context.metrics.render().contains("proxy_requests_total{connector="))

                // One traceparent each way: upstream a child span of ours in the caller's trace, back our own span
                // (not the provider's, which its answer also named).
                #expect(received.headers.values(for: "traceparent").count == 1)
                #expect(response.headers.values(for: "traceparent").count == 1)
                let sent = try #require(received.headers["traceparent"].flatMap(TraceParent.init(parsing:)))
                let answered = try #require(response.headers["traceparent"].flatMap(TraceParent.init(parsing:)))
                #expect(sent.traceID.hex == TraceFixture.traceHex && answered.traceID.hex == TraceFixture.traceHex)
                #expect(Set([sent.parentID, answered.parentID, TraceFixture.parentID]).count == 3)
                #expect(answered.parentID != received.trace?.spanID)
                #expect(received.headers.values(for: "tracestate") == ["rojo=00f067aa0ba902b7"])
            }
        }
    }

    @Test func eachSchemeReachesTheProviderAsItWouldCheckIt() async throws {
        let upstream = RecordingUpstream()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp { app in
                let access = try await app.makeAccessTenant()
                let base = "http://127.0.0.1:\(port)/base"
                let connectionID = try await app.makeAccessConnection(access, baseURL: base, action: [
                    AccessBodies.apiKey(in: "query", value: "A&B KEY"), AccessBodies.apiKey(in: "cookie"), AccessBodies.basic,
                    AccessBodies.hmac(), AccessBodies.hmac(in: "query", inputs: ["url"]), AccessBodies.hs256,
                    AccessBodies.oauth2(expiresAt: Timestamp.now().adding(seconds: 3600)), AccessBodies.none,
                ])
                func send(_ position: Int, _ rest: String, body: String = "", extra: HeaderFields = [:]) async throws -> Request {
                    var headers = access.accessAuth
                    headers.add(name: "Connection-Binding", value: "action:\(position)")
                    for field in extra { headers.add(name: field.name, value: field.value) }
                    let response = await app.send(.POST, proxyPath(access, connectionID, rest), headers: headers, body: Array(body.utf8))
                    #expect(response.status == 207, "action:\(position): \(response.text)")
                    return try #require(upstream.last)
                }
                #expect(try await send(0, "q?x=1").target == "/base/q?x=1&X-Api-Key=A%26B+KEY")
                #expect(try await send(1, "c", extra: ["Cookie": "a=b"]).headers.values(for: "Cookie") == ["a=b; X-Api-Key=API-KEY-SECRET"])
                #expect(try await send(2, "b").headers["Authorization"] == "Basic " + Base64.encode(Array("ada:BASIC-PASSWORD-SECRET".utf8)))

                let signed = try await send(3, "signed?x=1", body: #"{"amount":5}"#)
                let expected = Digest.hmacSHA256(
                    key: Array(AccessBodies.hmacKey.utf8), data: Array(#"{"amount":5}"#.utf8) + Array("\(base)/signed?x=1".utf8))
                #expect(signed.headers["X-Signature"] == expected.map { String(format: "%02x", $0) }.joined())
                let inQuery = try await send(4, "q?x=1")
                let urlOnly = Digest.hmacSHA256(key: Array(AccessBodies.hmacKey.utf8), data: Array("\(base)/q?x=1".utf8))
                #expect(inQuery.target == "/base/q?x=1&X-Signature=" + urlOnly.map { String(format: "%02x", $0) }.joined())

                let jwt = try await send(5, "j").headers["Authorization"] ?? ""
                #expect(jwt.hasPrefix("Bearer "))
                #expect(verifiedClaims(String(jwt.dropFirst(7)), hmacKey: AccessBodies.jwtSecret)?["sub"] == "ada")
                #expect(try await send(6, "o").headers["Authorization"] == "Bearer STORED-ACCESS-TOKEN")
                #expect(try await send(7, "n").headers["Authorization"] == nil)
                for secret in ["API-KEY-SECRET", "BASIC-PASSWORD-SECRET", "STORED-ACCESS-TOKEN", AccessBodies.hmacKey] {
                    #expect(!app.logs.all.contains(secret))
                }
            }
        }
    }

    @Test func anOAuthTokenTheProviderRefusesIsRenewedOnceAndRetried() async throws {
        let upstream = RecordingUpstream()
        let renewals = RenewingTokens()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp(tokens: renewals) { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base",
                    action: [AccessBodies.oauth2(expiresAt: Timestamp.now().adding(seconds: 3600))])
                let response = await app.send(.GET, proxyPath(access, connectionID, "needs-fresh-token"), headers: access.accessAuth, body: [])
                #expect(response.status == 207, "\(response.text)")
                #expect(upstream.requests.map { $0.headers["Authorization"] } == ["Bearer STALE-TOKEN", "Bearer FRESH-TOKEN"])
                #expect(renewals.renewals == 1)
            }
        }
        // With no client to renew the token with, the provider's 401 comes back as it was sent, after one try.
        let plain = RecordingUpstream()
        try await withRunningServer(responder: plain) { port in
            try await withAccessApp { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base",
                    action: [AccessBodies.oauth2(expiresAt: Timestamp.now().adding(seconds: 3600))])
                let response = await app.send(.GET, proxyPath(access, connectionID, "needs-fresh-token"), headers: access.accessAuth, body: [])
                #expect(response.status == 401)
                #expect(response.headers["WWW-Authenticate"] == "Bearer")
                #expect(plain.requests.count == 1)
            }
        }
    }

    @Test func everyRefusalHasItsOwnCodeAndReachesNoProvider() async throws {
        let upstream = RecordingUpstream()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base",
                    action: [AccessBodies.basic, AccessBodies.customFunction, AccessBodies.certificate])
                func refused(_ binding: String?, _ rest: String = "x") async -> AppResponse {
                    var headers = access.accessAuth
                    if let binding { headers.add(name: "Connection-Binding", value: binding) }
                    return await app.send(.GET, proxyPath(access, connectionID, rest), headers: headers, body: [])
                }
                for malformed in ["action", "action:x", "both:0", "action:-1", "action:99999"] {
                    let response = await refused(malformed)
                    #expect(response.status == 400 && response.errorCode == "400060", "\(malformed)")
                    #expect(response.errorFields == ["Connection-Binding"])
                }
                let missing = await refused("trigger:0")
                #expect(missing.status == 404 && missing.errorCode == "404014")
                let custom = await refused("action:1")
                #expect(custom.status == 400 && custom.errorCode == "400063")
                let certificateOverHTTP = await refused("action:2")
                #expect(certificateOverHTTP.status == 400 && certificateOverHTTP.errorCode == "400062")
                let noConnection = await app.send(
                    .GET, proxyPath(access, testID(), "x"), headers: access.accessAuth, body: [])
                #expect(noConnection.status == 404 && noConnection.errorCode == "404005")
                #expect(upstream.requests.isEmpty)
            }
            try await withAccessApp(allowPrivate: false) { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base", action: [AccessBodies.basic])
                let response = await app.send(.GET, proxyPath(access, connectionID, "x"), headers: access.accessAuth, body: [])
                #expect(response.status == 400 && response.errorCode == "400061", "\(response.text)")
                #expect(upstream.requests.isEmpty)
            }
        }
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp(outboundTimeout: .milliseconds(500)) { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)/base", action: [AccessBodies.basic])
                let slow = await app.send(.GET, proxyPath(access, connectionID, "slow"), headers: access.accessAuth, body: [])
                #expect(slow.status == 502 && slow.errorCode == "502006", "\(slow.text)")
                let huge = await app.send(.GET, proxyPath(access, connectionID, "huge"), headers: access.accessAuth, body: [])
                // No size limit on a relayed answer: it streams (ProxyStreamingTests).
                #expect(huge.status == 200 && huge.body.count == 2 * 1024 * 1024, "\(huge.status)")
            }
        }
        try await withAccessApp { app in
            let access = try await app.makeAccessTenant()
            let closed = try await withRunningServer(responder: RecordingUpstream()) { $0 }  // a port nobody listens on now
            let connectionID = try await app.makeAccessConnection(
                access, baseURL: "http://127.0.0.1:\(closed)/base", action: [AccessBodies.basic])
            let response = await app.send(.GET, proxyPath(access, connectionID, "x"), headers: access.accessAuth, body: [])
            #expect(response.status == 502 && response.errorCode == "502005", "\(response.text)")
        }
    }
}

/// A refresher stand-in: `STALE-TOKEN` until the proxy says the provider refused it, then `FRESH-TOKEN`.
final class RenewingTokens: AccessTokenSource, Sendable {
    private let count = Mutex(0)
    var renewals: Int { count.withLock { $0 } }

    func accessToken(for demand: AccessTokenDemand) async throws -> OAuthAccessToken {
        guard demand.mustRenew else { return OAuthAccessToken(accessToken: "STALE-TOKEN", tokenType: "Bearer", expiresAt: nil) }
        count.withLock { $0 += 1 }
        return OAuthAccessToken(accessToken: "FRESH-TOKEN", tokenType: "Bearer", expiresAt: nil)
    }
}
