import HTTPServer
import Testing
import TestSupport

@Suite struct KeepAliveTests {
    @Test func keepsHTTP11ConnectionsOpen() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            for path in ["/a", "/b"] {
                try await client.write("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.statusCode == 200)
                #expect(response.bodyText == "GET \(path) 0:")
                #expect(response.header("Connection") == nil)
                #expect(response.header("Date")?.hasSuffix("GMT") == true)
                #expect(response.header("X-Request-Id")?.count == 32)
            }
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write(
                "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /three HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "GET /slow 0:")
            #expect(try await client.readResponse().bodyText == "POST /two 3:abc")
            #expect(try await client.readResponse().bodyText == "GET /three 0:")
        }
    }

    @Test func closesHTTP10ByDefault() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /old HTTP/1.0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.statusCode == 200)
            #expect(response.header("Connection") == "close")
            #expect(await client.waitForClose(timeout: .seconds(5)))
        }
    }

    @Test func keepsHTTP10AliveWhenAsked() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await client.readResponse().header("Connection") == "keep-alive")
            try await client.write("GET /b HTTP/1.0\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "GET /b 0:")
        }
    }

    @Test func honoursConnectionClose() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n")
            let response = try await client.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(try await client.readUntilClose().isEmpty)
        }
    }

    @Test func sendsNoBodyForHEAD() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readResponse(isHEAD: true)
            #expect(head.header("Content-Length") == "10")  // "HEAD /h 0:"
            #expect(head.body.isEmpty)
            #expect(try await client.readResponse().bodyText == "GET /after 0:")
        }
    }

    @Test func honoursSaneRequestIdAndReplacesOthers() async throws {
        try await withRunningServer(configuration: testConfiguration(), responder: echoResponder) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123_.Z\r\n\r\n")
            #expect(try await client.readResponse().header("X-Request-Id") == "abc-123_.Z")
            try await client.write("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id!\r\n\r\n")
            #expect(try await client.readResponse().header("X-Request-Id") != "bad id!")
        }
    }
}
