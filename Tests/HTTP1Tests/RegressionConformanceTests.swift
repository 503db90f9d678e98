import HTTP1
import Testing

/// Deviations the conformance corpus (checks/conformance/cases.json) found in the parser, pinned here.
@Suite struct RegressionConformanceTests {
    /// RFC 9112 §6.3 (4): chunked present but not the final coding is 400, not 501.
    @Test(arguments: [
        "Transfer-Encoding: chunked, gzip\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
    ])
    func chunkedNotLastIs400(_ field: String) {
        let outcome = parseRequest("POST / HTTP/1.1\r\nHost: a\r\n\(field)\r\n0\r\n\r\n")
        #expect(outcome == .failure(.invalidTransferEncoding))
        #expect(outcome.status == 400)
    }

    /// RFC 9110 §6.1: another coding before chunked is still "not implemented".
    @Test func codingBeforeChunkedStays501() {
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status == 501)
    }

    /// RFC 9110 §2.5: HTTP/1.2 … 1.9 are processed as HTTP/1.1 (not refused with 505), including its Host rule.
    @Test(arguments: ["2", "5", "9"])
    func higherMinorVersionIsHTTP11(_ minor: String) throws {
        guard case .request(let head, _, _) = parseRequest("GET / HTTP/1.\(minor)\r\nHost: a\r\n\r\n") else {
            Issue.record("HTTP/1.\(minor) refused")
            return
        }
        #expect(head.version == .http1_1)
        #expect(head.keepAlive)
        #expect(parseRequest("GET / HTTP/1.\(minor)\r\n\r\n") == .failure(.missingHost))
    }

    @Test func otherMajorVersionsStay505() {
        #expect(parseRequest("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == .failure(.unsupportedVersion))
        #expect(parseRequest("GET / HTTP/0.9\r\nHost: a\r\n\r\n") == .failure(.unsupportedVersion))
    }

    /// RFC 9112 §3.2: a Host that is not uri-host[:port] is 400.
    @Test(arguments: ["exa mple.com", "user@example.com", "example.com/path", "a?b", "a#b", "caf\u{e9}", "\"a\""])
    func invalidHostIs400(_ value: String) {
        #expect(parseRequest("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n") == .failure(.invalidHeaderValue))
    }

    @Test(arguments: ["", "example.com", "example.com:8080", "127.0.0.1:1", "[::1]:8080", "xn--caf-dma.example", "a_b~c"])
    func validHostIsAccepted(_ value: String) {
        guard case .request(let head, _, _) = parseRequest("GET / HTTP/1.1\r\nHost: \(value)\r\n\r\n") else {
            Issue.record("Host \(value) refused")
            return
        }
        #expect(head.headers["host"] == value)
    }
}
