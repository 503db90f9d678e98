import HTTPServer
import Testing
import TestSupport

@Suite struct ServerLifecycleTests {
    @Test func answers503BeyondMaxConnections() async throws {
        let configuration = testConfiguration { $0.maxConnections = 1 }
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let first = try RawHTTPClient(port: port)
            try await first.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await first.readResponse().statusCode == 200)
            let second = try RawHTTPClient(port: port)
            let refused = try await second.readResponse()
            #expect(refused.statusCode == 503)
            #expect(refused.header("Connection") == "close")
            #expect(await second.waitForClose(timeout: .seconds(5)))
            try await first.write("GET /still HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await first.readResponse().bodyText == "GET /still 0:")
        }
    }

    @Test func shutdownLetsInFlightRequestFinish() async throws {
        let server = Server(configuration: testConfiguration { $0.port = 0 }, responder: echoResponder)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(onListening: { sink.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let busy = try RawHTTPClient(port: port)
        let idle = try RawHTTPClient(port: port)
        try await idle.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await idle.readResponse().statusCode == 200)
        try await busy.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        server.shutdown()
        #expect(await idle.waitForClose(timeout: .seconds(5)))
        let response = try await busy.readResponse()
        #expect(response.bodyText == "GET /slow 0:")
        #expect(response.header("Connection") == "close")
        try await running.value
        #expect(throws: (any Error).self) { try RawHTTPClient(port: port) }
    }

    @Test func shutdownCutsRequestsPastTheGracePeriod() async throws {
        let configuration = testConfiguration { $0.shutdownGracePeriod = .milliseconds(200) }
        let started = ContinuousClock.now
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /sleep-long HTTP/1.1\r\nHost: x\r\n\r\n")
            try await Task.sleep(for: .milliseconds(50))
        }
        // Far below the 20 s the handler wants: the grace period cut it (bound generous for loaded CI machines).
        #expect(started.duration(to: .now) < .seconds(8))
    }
}
