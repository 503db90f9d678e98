import HTTP1
import HTTPServer
import Testing
import TestSupport

@Suite struct ProtocolTests {
    func limitedConfiguration() -> ServerConfiguration {
        testConfiguration {
            $0.limits.maxRequestLineBytes = 100
            $0.limits.maxHeaderBytes = 200
            $0.limits.maxHeaderCount = 5
            $0.limits.maxBodyBytes = 16
        }
    }

    /// Each limit and protocol error gets its own status, an error body, and `Connection: close`.
    @Test(arguments: [
        ("GET /\(String(repeating: "a", count: 150)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nContent-Length: 1\r\n\r\n", 417),
    ])
    func answersProtocolErrorsAndCloses(raw: String, status: Int) async throws {
        try await withRunningServer(configuration: limitedConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write(raw)
            let response = try await client.readResponse()
            #expect(response.statusCode == status)
            #expect(response.header("Connection") == "close")
            // The responder renders the server's own answers; this one keeps the default, plain text.
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(!response.bodyText.isEmpty)
            #expect(await client.waitForClose(timeout: .seconds(5)))
        }
    }

    @Test func sendsContinueBeforeReadingBody() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(try await client.readResponse().statusCode == 100)
            try await client.write("data")
            let response = try await client.readResponse()
            #expect(response.statusCode == 200)
            #expect(response.bodyText == "POST /up 4:data")
        }
    }

    @Test func decodesChunkedBodyWithTrailers() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            try await Task.sleep(for: .milliseconds(20))
            try await client.write("2;x=y\r\nde\r\n0\r\nX-Sum: 5\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "POST /c 5:abcde")
            #expect(try await client.readResponse().bodyText == "GET /next 0:")
        }
    }

    @Test func survivesDripFedRequest() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            for byte in "POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok".utf8 {
                try await client.write([byte])
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(try await client.readResponse().bodyText == "POST /d 2:ok")
        }
    }
}
