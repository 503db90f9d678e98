import Glibc
import HTTP1
@testable import HTTPClient
import Testing

/// `HTTPClient.open` keeps a connection whose response was read to its end, and only such a one: counted by the
/// upstream's accepted connections.
@Suite(.serialized) struct ConnectionPoolTests {
    static func client(idle: Int = 16, total: Int = 256, timeout: Duration = .seconds(4)) -> HTTPClient {
        var configuration = HTTPClientConfiguration(allowPrivateNetworks: true, allowedNetworks: IPNetwork.loopback)
        configuration.maxIdleConnectionsPerOrigin = idle
        configuration.maxIdleConnections = total
        configuration.idleConnectionTimeout = timeout
        return HTTPClient(configuration: configuration)
    }

    /// Sends GET `path` and reads the whole body.
    @discardableResult
    static func get(_ client: HTTPClient, _ port: Int, _ path: String = "/") async throws -> String {
        let response = try await client.open(OutboundRequest(method: .GET, url: "http://127.0.0.1:\(port)\(path)"))
        var body: [UInt8] = []
        while let piece = try await response.body.next() { body += piece }
        return String(decoding: body, as: UTF8.self)
    }

    @Test func sequentialRequestsShareOneConnection() async throws {
        let upstream = try KeepAliveUpstream { index, _ in .answer(KeepAliveUpstream.ok("answer \(index)")) }
        defer { upstream.stop() }
        let client = Self.client()
        for index in 0..<5 { #expect(try await Self.get(client, upstream.port) == "answer \(index)") }
        #expect(upstream.connections == 1)
        #expect(client.connectionCounts == (opened: 1, reused: 4))
    }

    @Test func aKeptConnectionSaysNoConnectionClose() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        defer { upstream.stop() }
        let kept = OutboundRequest(method: .GET, url: "http://127.0.0.1:\(upstream.port)/")
        let url = try OutboundURL(parsing: kept.url)
        let head = String(decoding: try kept.serializedHead(for: url, userAgent: "t", framing: "", keepAlive: true), as: UTF8.self)
        #expect(!head.lowercased().contains("connection:"))
        let closing = String(decoding: try kept.serializedHead(for: url, userAgent: "t", framing: ""), as: UTF8.self)
        #expect(closing.contains("Connection: close\r\n"))
    }

    @Test func withoutIdleConnectionsEveryRequestConnects() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        defer { upstream.stop() }
        let client = Self.client(idle: 0)
        for _ in 0..<3 { try await Self.get(client, upstream.port) }
        #expect(upstream.connections == 3)
    }

    @Test func beyondTheTotalLimitAReturnedConnectionIsClosed() async throws {
        let first = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        let second = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        defer { first.stop(); second.stop() }
        let client = Self.client(total: 1)
        try await Self.get(client, first.port)  // kept: the one idle connection allowed
        try await Self.get(client, second.port)  // closed: the pool is full
        try await Self.get(client, second.port)
        try await Self.get(client, first.port)
        #expect(first.connections == 1)
        #expect(second.connections == 2)
    }

    @Test func anAnswerWithConnectionCloseIsNotKept() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok(headers: "Connection: close\r\n")) }
        defer { upstream.stop() }
        let client = Self.client()
        for _ in 0..<3 { try await Self.get(client, upstream.port) }
        #expect(upstream.connections == 3)
        #expect(client.connectionCounts.reused == 0)
    }

    @Test func aConnectionTheUpstreamClosedWhileIdleIsNotReused() async throws {
        // Answers as if keeping the connection, then closes it: the next request must notice before sending.
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok(), thenClose: true) }
        defer { upstream.stop() }
        let client = Self.client()
        try await Self.get(client, upstream.port)
        try await Task.sleep(for: .milliseconds(100))  // the close reaches the client's socket
        try await Self.get(client, upstream.port)
        #expect(upstream.connections == 2)
        #expect(upstream.requests == 2)  // nothing was sent over the closed connection
        #expect(client.connectionCounts == (opened: 2, reused: 0))
    }

    @Test func aStaleConnectionIsRetriedOnceOnANewOne() async throws {
        // Every connection's second request is dropped unanswered, as by a server closing an idle connection
        // just as the request arrives.
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok("fresh")) : .closeWithoutAnswer
        }
        defer { upstream.stop() }
        let client = Self.client()
        #expect(try await Self.get(client, upstream.port) == "fresh")
        #expect(try await Self.get(client, upstream.port) == "fresh")
        #expect(upstream.connections == 2)
        #expect(upstream.requests == 3)
    }

    /// A POST the server took and then dropped unanswered may have been acted on (a payment): it is not sent
    /// again, and the caller gets the failure. The same POST with an `Idempotency-Key` may be.
    @Test func aNonIdempotentRequestIsNotSentAgainOverANewConnection() async throws {
        let upstream = try KeepAliveUpstream { index, _ in
            index == 0 ? .answer(KeepAliveUpstream.ok("fresh")) : .closeWithoutAnswer
        }
        defer { upstream.stop() }
        let client = Self.client()
        #expect(try await Self.get(client, upstream.port) == "fresh")
        let post = OutboundRequest(method: .POST, url: "http://127.0.0.1:\(upstream.port)/pay", body: Array("{}".utf8))
        await #expect(throws: HTTPClientError.self) { _ = try await client.open(post) }
        #expect(upstream.requests == 2)
        #expect(upstream.connections == 1)

        #expect(try await Self.get(client, upstream.port) == "fresh")
        var keyed = post
        keyed.headers.add(name: "Idempotency-Key", value: "k-1")
        let response = try await client.open(keyed)
        while try await response.body.next() != nil {}
        #expect(response.status.code == 200)
        #expect(upstream.requests == 5)
        #expect(upstream.connections == 3)
    }

    @Test func replayableRequestsFollowGo() {
        func request(_ method: HTTPMethod, _ headers: HeaderFields = [:]) -> OutboundRequest {
            OutboundRequest(method: method, url: "http://127.0.0.1/", headers: headers)
        }
        #expect(HTTPClient.isReplayable(request(.GET)) && HTTPClient.isReplayable(request(.HEAD)))
        #expect(HTTPClient.isReplayable(request(.OPTIONS)))
        #expect(!HTTPClient.isReplayable(request(.POST)) && !HTTPClient.isReplayable(request(.PATCH)))
        #expect(!HTTPClient.isReplayable(request(.PUT)) && !HTTPClient.isReplayable(request(.DELETE)))
        #expect(HTTPClient.isReplayable(request(.POST, ["Idempotency-Key": "k"])))
        #expect(HTTPClient.isReplayable(request(.PATCH, ["X-Idempotency-Key": "k"])))
    }

    @Test func aStreamedUploadNeverTakesAnIdleConnection() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        defer { upstream.stop() }
        let client = Self.client()
        try await Self.get(client, upstream.port)
        let upload = OutboundUpload(length: 3)
        Task {
            _ = await upload.write(Array("abc".utf8))
            await upload.finish()
        }
        let response = try await client.open(
            OutboundRequest(method: .POST, url: "http://127.0.0.1:\(upstream.port)/sink"), upload: upload)
        while try await response.body.next() != nil {}
        // The upload went on a new connection (it could not be sent again had an idle one proved stale) …
        #expect(upstream.connections == 2)
        // … and both connections are idle now: the next two requests need none.
        try await Self.get(client, upstream.port)
        try await Self.get(client, upstream.port)
        #expect(upstream.connections == 2)
    }

    @Test func aResponseNotReadToItsEndIsNotKept() async throws {
        let big = String(repeating: "x", count: 4 * 1024 * 1024)
        let upstream = try KeepAliveUpstream { _, path in .answer(KeepAliveUpstream.ok(path == "/big" ? big : "small")) }
        defer { upstream.stop() }
        let client = Self.client()
        let response = try await client.open(OutboundRequest(method: .GET, url: "http://127.0.0.1:\(upstream.port)/big"))
        _ = try await response.body.next()
        response.body.abandon()
        #expect(try await Self.get(client, upstream.port, "/small") == "small")
        #expect(upstream.connections == 2)
        try await Self.get(client, upstream.port, "/small")
        #expect(upstream.connections == 2)  // the completed one was kept
    }

    @Test func bytesBeyondTheAnswerMakeTheConnectionUnfitForReuse() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok() + KeepAliveUpstream.ok("extra")) }
        defer { upstream.stop() }
        let client = Self.client()
        #expect(try await Self.get(client, upstream.port) == "ok")
        #expect(try await Self.get(client, upstream.port) == "ok")
        #expect(upstream.connections == 2)
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let upstream = try KeepAliveUpstream { _, _ in .answer(KeepAliveUpstream.ok()) }
        defer { upstream.stop() }
        let client = Self.client(timeout: .milliseconds(200))
        try await Self.get(client, upstream.port)
        try await Task.sleep(for: .milliseconds(400))
        try await Self.get(client, upstream.port)
        #expect(upstream.connections == 2)
    }

    @Test func clientCertificatesKeepConnectionsApart() {
        let url = try! OutboundURL(parsing: "https://example.test/")
        let one = ClientCertificate(certificatePEM: "c", privateKeyPEM: "k1", trustedCAPEM: "")
        let two = ClientCertificate(certificatePEM: "c", privateKeyPEM: "k2", trustedCAPEM: "")
        #expect(ConnectionPool.Origin(url, identity: one) == ConnectionPool.Origin(url, identity: one))
        #expect(ConnectionPool.Origin(url, identity: one) != ConnectionPool.Origin(url, identity: two))
        #expect(ConnectionPool.Origin(url, identity: nil) != ConnectionPool.Origin(url, identity: one))
    }

    @Test func idleWorkerThreadsTakeTheNextJob() async throws {
        let workers = WorkerThreads(idleLifetime: .seconds(5))
        await withCheckedContinuation { done in #expect(workers.start { done.resume() } == 0) }
        for _ in 0..<100 where workers.idleThreads == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(workers.idleThreads == 1)
        await withCheckedContinuation { done in #expect(workers.start { done.resume() } == 0) }
        for _ in 0..<100 where workers.idleThreads == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(workers.idleThreads == 1)  // the same thread ran it: no second one was started
    }

    @Test func anIdleWorkerThreadEndsAfterItsLifetime() async throws {
        let workers = WorkerThreads(idleLifetime: .milliseconds(100))
        await withCheckedContinuation { done in #expect(workers.start { done.resume() } == 0) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(workers.idleThreads == 0)
    }
}
