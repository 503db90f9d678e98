@testable import App
import HTTP1
import TestSupport
import Testing

/// The proxy's one-second cache of opened connections: entries age out, a load that a write overtook is not kept,
/// and a write through the API is seen by the very next proxied request.
@Suite(.serialized) struct UsableConnectionCacheTests {
    static let key = UsableConnectionCache.Key(
        organisationID: "org", hubID: "hub", endUser: .external("ada"), connectionID: "conn")
    static let connection = UsableConnection(
        connectionID: "conn", endUserID: "user", connectorBaseURL: "http://127.0.0.1/", connectorID: "connector",
        bindings: [])

    @Test func anEntryIsServedUntilItsMaxAge() throws {
        let cache = UsableConnectionCache(maxAge: .seconds(1))
        let loadedAt = ContinuousClock.now
        cache.remember(Self.connection, for: Self.key, ticket: try #require(cache.ticket()))
        #expect(cache.connection(for: Self.key, now: loadedAt + .milliseconds(500))?.connectionID == "conn")
        #expect(cache.connection(for: Self.key, now: loadedAt + .seconds(2)) == nil)
        var other = Self.key
        other.endUser = .internal("ada")
        #expect(cache.connection(for: other) == nil)
    }

    @Test func aLoadAWriteOvertookIsNotKept() throws {
        let cache = UsableConnectionCache()
        let ticket = try #require(cache.ticket())
        cache.forgetAll()
        cache.remember(Self.connection, for: Self.key, ticket: ticket)
        #expect(cache.connection(for: Self.key) == nil)
    }

    @Test func aZeroMaxAgeKeepsNothing() {
        #expect(UsableConnectionCache(maxAge: .zero).ticket() == nil)
    }

    @Test(.enabled(if: ConnectionsApp.isAvailable))
    func aDeletionThroughTheAPIIsSeenByTheNextProxiedRequest() async throws {
        let upstream = RecordingUpstream()
        try await withRunningServer(responder: upstream) { port in
            try await withAccessApp { app in
                let access = try await app.makeAccessTenant()
                let connectionID = try await app.makeAccessConnection(
                    access, baseURL: "http://127.0.0.1:\(port)", action: [AccessBodies.apiKey(in: "header")])
                let path = "/hubs/\(access.tenant.hubID)/users/ada/connections/\(connectionID)"
                for _ in 0..<2 {
                    let proxied = await app.send(.GET, path + "/proxy/small", headers: access.accessAuth, body: [])
                    #expect(proxied.status == 207, "\(proxied.text)")
                }
                let key = UsableConnectionCache.Key(
                    organisationID: access.tenant.organisationID, hubID: access.tenant.hubID, endUser: .external("ada"),
                    connectionID: connectionID)
                #expect(app.context.usableConnections.connection(for: key) != nil)  // the second came from memory
                let deleted = await app.request(.DELETE, path, auth: access.tenant.auth)
                #expect(deleted.status == 204, "\(deleted.text)")
                let after = await app.send(.GET, path + "/proxy/small", headers: access.accessAuth, body: [])
                #expect(after.status == 404 && after.errorCode == "404005", "\(after.text)")
                #expect(upstream.requests.count == 2)
            }
        }
    }
}
