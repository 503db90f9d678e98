import HTTP1
import Testing

@Suite struct ResponseParserTests {
    /// Feeds `text` in one piece (and then byte by byte), then signals EOF if the parser still wants more.
    static func parse(_ text: String, method: HTTPMethod = .GET, limits: ParserLimits = .init(), dripFeed: Bool = false)
        throws(ResponseParseError) -> ParsedResponse {
        var parser = ResponseParser(limits: limits, requestMethod: method)
        let pieces = dripFeed ? text.utf8.map { [$0] } : [Array(text.utf8)]
        for piece in pieces {
            if case .complete(let response) = try parser.consume(piece) { return response }
        }
        return try parser.finish()
    }

    static let valid: [(String, Int, String)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", 200, "hello"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n", 200, "hello world"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", 200, "0123456789"),
        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", 200, "until the end"),
        ("HTTP/1.0 200 OK\r\n\r\nold", 200, "old"),
        ("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, ""),
        ("HTTP/1.1 304 Not Modified\r\n\r\n", 304, ""),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 201, "ok"),
        ("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n", 302, ""),
        ("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", 200, "x"),
        ("HTTP/1.1 400 \r\nContent-Length: 2\r\n\r\n{}", 400, "{}"),
        ("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Spaced:   v  \r\nContent-Length: 0\r\n\r\n", 200, ""),
    ]

    @Test(arguments: valid)
    func parsesWholeAndDripFed(text: String, status: Int, body: String) throws {
        for drip in [false, true] {
            let response = try Self.parse(text, dripFeed: drip)
            #expect(response.head.status.code == status)
            #expect(String(decoding: response.body, as: UTF8.self) == body)
        }
    }

    @Test func keepsHeaderValuesTrimmedAndInOrder() throws {
        let response = try Self.parse("HTTP/1.1 200 OK\r\nX-A:  one \r\nx-a: two\r\nContent-Length: 0\r\n\r\n")
        #expect(response.head.headers.values(for: "X-A") == ["one", "two"])
        #expect(response.head.status.reasonPhrase == "OK")
    }

    @Test func headResponseHasNoBody() throws {
        let response = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", method: .HEAD)
        #expect(response.body.isEmpty)
    }

    static let malformed: [(String, ResponseParseError)] = [
        ("HTTP/2 200 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("ICY 200 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 20 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 200 OK\nContent-Length: 0\n\n", .truncated),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nName : x\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\n folded\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nX: a\u{01}b\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", .malformedHeaderField),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", .unsupportedTransferCoding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingWithContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n", .malformedChunkedBody),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", .malformedChunkedBody),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n", .malformedChunkedBody),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", .truncated),
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", .truncated),
        ("HTTP/1.1 200 OK\r\nContent-Le", .truncated),
        ("", .truncated),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(text: String, expected: ResponseParseError) {
        for drip in [false, true] {
            #expect(throws: expected) { try Self.parse(text, dripFeed: drip) }
        }
    }

    @Test func enforcesLimits() {
        var limits = ParserLimits()
        limits.maxRequestLineBytes = 32
        limits.maxHeaderBytes = 64
        limits.maxHeaderCount = 2
        limits.maxBodyBytes = 8
        let cases: [(String, ResponseParseError)] = [
            ("HTTP/1.1 200 " + String(repeating: "x", count: 40) + "\r\n\r\n", .statusLineTooLong),
            ("HTTP/1.1 200 " + String(repeating: "x", count: 40), .statusLineTooLong),
            ("HTTP/1.1 200 OK\r\nX: " + String(repeating: "v", count: 80) + "\r\n\r\n", .headerSectionTooLarge),
            ("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", .tooManyHeaderFields),
            ("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", .bodyTooLarge),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n5\r\n", .bodyTooLarge),
            ("HTTP/1.1 200 OK\r\n\r\n123456789", .bodyTooLarge),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try Self.parse(text, limits: limits) }
        }
    }
}
