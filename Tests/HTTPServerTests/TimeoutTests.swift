import HTTPServer
import Testing
import TestSupport

@Suite struct TimeoutTests {
    let configuration = testConfiguration {
        $0.headerReadTimeout = .milliseconds(300)
        $0.bodyReadTimeout = .milliseconds(300)
        $0.idleTimeout = .milliseconds(300)
    }

    @Test func answers408WhenHeadIsTooSlow() async throws {
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET / HTTP/1.1\r\nHost:")
            let response = try await client.readResponse(timeout: .seconds(3))
            #expect(response.statusCode == 408)
            #expect(response.header("Connection") == "close")
            #expect(await client.waitForClose(timeout: .seconds(3)))
        }
    }

    @Test func answers408WhenBodyIsTooSlow() async throws {
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try await client.readResponse(timeout: .seconds(3)).statusCode == 408)
        }
    }

    @Test func closesIdleConnectionSilently() async throws {
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            // Timed from before the request: the server's idle clock starts after it, so the bound cannot be
            // beaten by a slow read of the response on a loaded machine.
            let started = ContinuousClock.now
            try await client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().statusCode == 200)
            #expect(try await client.readUntilClose(timeout: .seconds(3)).isEmpty)
            #expect(started.duration(to: .now) >= .milliseconds(250))
        }
    }

    @Test func closesSilentFreshConnection() async throws {
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            #expect(try await client.readUntilClose(timeout: .seconds(3)).isEmpty)
        }
    }
}
