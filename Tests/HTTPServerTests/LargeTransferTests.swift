import HTTP1
import HTTPServer
import Testing
import TestSupport

@Suite struct LargeTransferTests {
    /// 4 MiB does not fit the socket buffer: the server must resume on EPOLLOUT after partial writes.
    @Test func writesLargeResponsesAcrossPartialWrites() async throws {
        let payload = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let responder = ClosureResponder { _ in Response(status: .ok, body: payload) }
        try await withRunningServer(configuration: testConfiguration(), responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().body == payload)
            #expect(try await client.readResponse().body == payload)
        }
    }

    @Test func acceptsBodyAtTheLimit() async throws {
        let configuration = testConfiguration { $0.limits.maxBodyBytes = 1024 * 1024 }
        try await withRunningServer(configuration: configuration, responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            let body = [UInt8](repeating: UInt8(ascii: "z"), count: 1024 * 1024)
            try await client.write(Array("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let response = try await client.readResponse()
            #expect(response.body.count == "POST /big 1048576:".utf8.count + body.count)
        }
    }

    /// A client that stops reading cannot pin a connection and its response buffer for ever.
    @Test func dropsClientThatStopsReading() async throws {
        let payload = [UInt8](repeating: 7, count: 32 * 1024 * 1024)
        let responder = ClosureResponder { _ in Response(status: .ok, body: payload) }
        let configuration = testConfiguration { $0.idleTimeout = .milliseconds(300) }
        try await withRunningServer(configuration: configuration, responder: responder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try await Task.sleep(for: .milliseconds(1200))
            let received = try await client.readUntilClose(timeout: .seconds(5))
            #expect(received.count < payload.count)
        }
    }
}
