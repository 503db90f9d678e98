import HTTP1
import Testing

/// Inputs from fuzz/request_parser: each has one verdict however its bytes are split across reads.
@Suite struct RegressionFuzzTests {
    var limits: ParserLimits {
        var limits = ParserLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 128
        return limits
    }

    private func verdicts(_ raw: String) -> Set<String> {
        let bytes = Array(raw.utf8)
        return Set(([[bytes]] + splits(of: bytes)).map { "\(parseRequest($0, limits: limits))" })
    }

    /// An overlong request line ended by a bare LF is 414 however the bytes are split: the length limit is
    /// judged before the bare LF, whether the line arrives at once or in pieces (fuzz/request_parser found it).
    @Test func overlongRequestLineWithBareLF() {
        let raw = "POST /" + String(repeating: "D", count: 80) + " HTTP/1.1\nHost: x\r\n\r\n"
        #expect(verdicts(raw) == ["\(Outcome.failure(.requestLineTooLong))"])
    }

    @Test func overlongHeaderSectionWithBareLF() {
        let raw = "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + String(repeating: "b", count: 200) + "\nX-B: 1\r\n\r\n"
        #expect(verdicts(raw) == ["\(Outcome.failure(.headerSectionTooLarge))"])
    }

    /// Field lines of exactly the limit are accepted however the bytes are split: the final CRLF does not count.
    @Test func headerSectionOfExactlyTheLimit() {
        let prefix = "Host: x\r\nX-A: "
        let fill = String(repeating: "b", count: limits.maxHeaderBytes - prefix.utf8.count - 2)
        let raw = "GET / HTTP/1.1\r\n\(prefix)\(fill)\r\n\r\n"
        let outcomes = verdicts(raw)
        #expect(outcomes.count == 1)
        #expect(outcomes.allSatisfy { $0.hasPrefix("GET / HTTP/1.1") })
        let oneMore = "GET / HTTP/1.1\r\n\(prefix)\(fill)b\r\n\r\n"
        #expect(verdicts(oneMore) == ["\(Outcome.failure(.headerSectionTooLarge))"])
    }
}
