import Glibc
import HTTP1
@testable import HTTPClient
import Synchronization
import Testing

/// `HTTPClient.open` with a socket waiter drives a kept plain-HTTP connection from the calling task
/// (`LoopExchange`): the same answers, reuse, stale-connection retry, deadlines, cancellation and slots as the
/// worker path. The waiter here polls, as an event loop would watch; `waits` shows the path was taken.
@Suite(.serialized) struct LoopExchangeTests {
    final class PollingWaiter: OutboundSocketWaiting {
        let counted = Atomic<Int>(0)
        var waits: Int { counted.load(ordering: .relaxed) }
        var canWaitOnCallingThread: Bool { true }

        func wait(readable: Bool, on fd: Int32, until deadline: ContinuousClock.Instant) async -> Bool? {
            counted.add(1, ordering: .relaxed)
            while ContinuousClock.now < deadline {
                var entry = pollfd(fd: fd, events: Int16(readable ? POLLIN : POLLOUT), revents: 0)
                if poll(&entry, 1, 0) > 0 { return true }
                try? await Task.sleep(for: .milliseconds(1))
            }
            return false
        }
    }

    static func client(
        _ waiter: PollingWaiter, timeout: Duration = .seconds(4), perTenant: Int = 8
    ) -> HTTPClient {
        var configuration = HTTPClientConfiguration(
            allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback, timeout: timeout)
        configuration.maxConcurrentRequestsPerTenant = perTenant
        return HTTPClient(configuration: configuration, socketWaiter: waiter)
    }

    static func get(_ port: Int, _ path: String = "/", tenant: String? = nil) -> OutboundRequest {
        var request = OutboundRequest(method: .GET, url: "http://127.0.0.1:\(port)\(path)")
        request.tenant = tenant
        return request
    }

    static func read(_ response: OutboundStreamingResponse) async throws -> String {
        var body: [UInt8] = []
        while let piece = try await response.body.next() { body += piece }
        return String(decoding: body, as: UTF8.self)
    }

    /// The first request connects on a worker thread; the kept connection then carries the rest from the task.
    @Test func keptConnectionsAreDrivenFromTheCallingTask() async throws {
        let upstream = try KeepAliveUpstream { index, _ in .answer(KeepAliveUpstream.ok("answer \(index)")) }
        defer { upstream.stop() }
        let waiter = PollingWaiter()
        let client = Self.client(waiter)
        #expect(try await Self.read(client.open(Self.get(upstream.port))) == "answer 0")
        #expect(waiter.waits == 0)
        for index in 1..<5 { #expect(try await Self.read(client.open(Self.get(upstream.port))) == "answer \(index)") }
        #expect(waiter.waits >= 4)
        #expect(upstream.connections == 1)
        #expect(client.connectionCounts == (opened: 1, reused: 4))
    }

    @Test func aShortAnswerIsWholeWithItsHead() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok("{\"message\": \"ok\"}")) }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter())
        #expect(try await Self.read(client.open(Self.get(upstream.port))) == "{\"message\": \"ok\"}")
        let response = try await client.open(Self.get(upstream.port))
        #expect(response.body.takeWhole().map { String(decoding: $0, as: UTF8.self) } == "{\"message\": \"ok\"}")
        #expect(response.body.takeWhole() == [])  // taken once
        // Taken whole, the connection was already back in the pool: the next request reuses it.
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        #expect(upstream.connections == 1)
    }

    @Test func aStaleKeptConnectionIsReplacedForAReplayableRequest() async throws {
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok("fresh")) : .closeWithoutAnswer
        }
        defer { upstream.stop() }
        let waiter = PollingWaiter()
        let client = Self.client(waiter)
        #expect(try await Self.read(client.open(Self.get(upstream.port))) == "fresh")
        #expect(try await Self.read(client.open(Self.get(upstream.port))) == "fresh")
        #expect(waiter.waits > 0)
        #expect(upstream.connections == 2)
        #expect(upstream.requests == 3)
    }

    @Test func aStaleKeptConnectionFailsARequestThatMayNotGoTwice() async throws {
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok("fresh")) : .closeWithoutAnswer
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter())
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let post = OutboundRequest(method: .POST, url: "http://127.0.0.1:\(upstream.port)/pay", body: Array("{}".utf8))
        await #expect(throws: HTTPClientError.self) { _ = try await client.open(post) }
        #expect(upstream.requests == 2)
        #expect(upstream.connections == 1)
    }

    @Test func aProviderClosingMidBodyFailsTheReadAndKeepsNothing() async throws {
        let partial = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..".utf8)
        let upstream = try KeepAliveUpstream { index, _ in
            index == 1 ? .answer(partial, thenClose: true) : .answer(KeepAliveUpstream.ok())
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter())
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let response = try await client.open(Self.get(upstream.port))
        #expect(response.body.takeWhole() == nil)
        #expect(try await response.body.next() == Array("only ten..".utf8))
        await #expect(throws: HTTPClientError.self) { _ = try await response.body.next() }
        #expect(try await Self.read(client.open(Self.get(upstream.port))) == "ok")
        #expect(upstream.connections == 2)
    }

    @Test func aSilentProviderTimesOutBeforeTheHead() async throws {
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok()) : .stallAfter([])
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter(), timeout: .milliseconds(300))
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.timedOut) { _ = try await client.open(Self.get(upstream.port)) }
        #expect(started.duration(to: .now) < .seconds(2))
    }

    @Test func aProviderSilentMidBodyTimesOutTheRead() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome".utf8)
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok()) : .stallAfter(head)
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter(), timeout: .milliseconds(300))
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let response = try await client.open(Self.get(upstream.port))
        #expect(try await response.body.next() == Array("some".utf8))
        await #expect(throws: HTTPClientError.timedOut) { _ = try await response.body.next() }
    }

    @Test func theCallerCancellingEndsTheWaitForTheHead() async throws {
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok()) : .stallAfter([])
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter(), timeout: .seconds(30))
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let started = ContinuousClock.now
        let call = Task { try await client.open(Self.get(upstream.port)) }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        await #expect(throws: HTTPClientError.cancelled) { _ = try await call.value }
        #expect(started.duration(to: .now) < .seconds(2))
    }

    /// A call the organisation's limit refuses leaves the kept connection it would have used in the pool.
    @Test func aRefusedCallLeavesTheKeptConnectionIdle() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome".utf8)
        let upstream = try KeepAliveUpstream { _, path in
            path == "/stall" ? .stallAfter(head) : .answer(KeepAliveUpstream.ok())
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter(), perTenant: 1)
        let holding = try await client.open(Self.get(upstream.port, "/stall", tenant: "org"))  // the slot, connection 1
        _ = try await Self.read(client.open(Self.get(upstream.port)))  // connection 2, idle after
        await #expect(throws: HTTPClientError.tenantConcurrencyLimit) {
            _ = try await client.open(Self.get(upstream.port, tenant: "org"))
        }
        holding.body.abandon()
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        #expect(upstream.connections == 2)
    }

    /// The caller stops reading mid-body (its own client left): the organisation's slot comes back at once, and
    /// the half-read connection is never reused.
    @Test func abandoningMidBodyReturnsTheSlotAndDropsTheConnection() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome".utf8)
        let upstream = try KeepAliveUpstream { index, _ in
            index == 1 ? .stallAfter(head) : .answer(KeepAliveUpstream.ok())
        }
        defer { upstream.stop() }
        let client = Self.client(PollingWaiter(), perTenant: 1)
        // Without the tenant: a worker thread returns its slot only as it ends, a moment after the body's end.
        _ = try await Self.read(client.open(Self.get(upstream.port)))
        let response = try await client.open(Self.get(upstream.port, tenant: "org"))
        await #expect(throws: HTTPClientError.tenantConcurrencyLimit) {
            _ = try await client.open(Self.get(upstream.port, tenant: "org"))
        }
        response.body.abandon()
        await #expect(throws: HTTPClientError.cancelled) { _ = try await response.body.next() }
        #expect(try await Self.read(client.open(Self.get(upstream.port, tenant: "org"))) == "ok")
        #expect(upstream.connections == 2)
    }
}
