import HTTP1
import Testing

@Suite struct LimitTests {
    var limits: ParserLimits {
        var limits = ParserLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 128
        limits.maxHeaderCount = 4
        limits.maxBodyBytes = 10
        return limits
    }

    @Test func rejectsLongRequestLineWith414() {
        let target = "/" + String(repeating: "a", count: 80)
        #expect(parseRequest("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).status == 414)
        // Also before the line ends: a client cannot make us buffer for ever.
        #expect(parseRequest("GET \(target)", limits: limits).status == 414)
    }

    @Test func rejectsLargeHeaderSectionWith431() {
        let big = "X-A: " + String(repeating: "b", count: 200) + "\r\n"
        #expect(parseRequest("GET / HTTP/1.1\r\nHost: a\r\n\(big)\r\n", limits: limits).status == 431)
        #expect(parseRequest("GET / HTTP/1.1\r\nHost: a\r\n\(big)", limits: limits).status == 431)
    }

    @Test func rejectsTooManyFieldsWith431() {
        let fields = (0..<5).map { "X-\($0): 1\r\n" }.joined()
        #expect(parseRequest("GET / HTTP/1.1\r\n\(fields)\r\n", limits: limits).status == 431)
    }

    @Test func rejectsEndlessLeadingEmptyLines() {
        #expect(parseRequest(String(repeating: "\r\n", count: 100), limits: limits).status == 414)
    }

    @Test func rejectsLargeContentLengthWith413() {
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits).status == 413)
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits).status == nil)
    }

    @Test func rejectsChunkedBodyOverLimitWith413() {
        let raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n"
        #expect(parseRequest(raw, limits: limits).status == 413)
    }

    @Test func boundsTrailerSection() {
        let trailer = "X-T: " + String(repeating: "t", count: 200) + "\r\n"
        let raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\(trailer)\r\n"
        #expect(parseRequest(raw, limits: limits).status == 431)
    }

    @Test func boundsChunkExtensions() {
        let ext = String(repeating: "e", count: ChunkedDecoder.maxChunkLineBytes)
        let raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(ext)\r\na\r\n0\r\n\r\n"
        #expect(parseRequest(raw) == .failure(.chunkLineTooLong))
    }
}
