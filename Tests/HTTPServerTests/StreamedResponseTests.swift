import HTTP1
import HTTPServer
import Synchronization
import Testing
import TestSupport

/// A `ResponseStream` body on the wire: chunked to an HTTP/1.1 client with the connection kept for the next
/// request, close-delimited to an HTTP/1.0 one, Content-Length when the length is known, and a source that stops
/// short of its declared length closes the connection.
@Suite struct StreamedResponseTests {
    /// `/pieces/N[?length=declared]`: N pieces "0", "1", … produced one at a time.
    struct PieceResponder: Responder {
        func respond(to request: Request) async -> Response {
            let count = Int(request.path.dropFirst("/pieces/".count)) ?? 0
            let next = Mutex(0)
            let stream = ResponseStream(
                length: request.queryValue("length").flatMap { Int($0) },
                next: {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    return index < count ? Array("\(index % 10)".utf8) : nil
                },
                abandon: {})
            return Response(status: .ok, headers: ["Content-Type": "text/plain"], stream: stream)
        }
    }

    @Test func anHTTP11ClientGetsChunksAndKeepsTheConnection() async throws {
        try await withRunningServer(responder: PieceResponder()) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /pieces/12 HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readResponse(isHEAD: true)
            #expect(head.header("transfer-encoding") == "chunked" && head.header("content-length") == nil)
            // Twelve one-byte chunks and the last chunk, then the connection answers again.
            try await client.write("GET /pieces/1?length=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let rest = String(decoding: try await client.readUntilClose(), as: UTF8.self)
            let chunks = (0..<12).map { "1\r\n\($0 % 10)\r\n" }.joined() + "0\r\n\r\n"
            #expect(rest.hasPrefix(chunks))
            #expect(rest.dropFirst(chunks.count).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(rest.contains("Content-Length: 1\r\n") && rest.hasSuffix("\r\n\r\n0"))
        }
    }

    @Test func anHTTP10ClientGetsABodyEndedByTheClose() async throws {
        try await withRunningServer(responder: PieceResponder()) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /pieces/5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let raw = String(decoding: try await client.readUntilClose(), as: UTF8.self)
            #expect(raw.contains("Connection: close\r\n"))
            #expect(!raw.contains("Transfer-Encoding") && !raw.contains("Content-Length"))
            #expect(raw.hasSuffix("\r\n\r\n01234"))
        }
    }

    @Test func aSourceShortOfItsLengthClosesTheConnection() async throws {
        try await withRunningServer(responder: PieceResponder()) { port in
            let client = try RawHTTPClient(port: port)
            try await client.write("GET /pieces/3?length=10 HTTP/1.1\r\nHost: x\r\n\r\n")
            await #expect(throws: RawHTTPClient.ClosedEarly.self) { _ = try await client.readResponse() }
        }
    }
}
