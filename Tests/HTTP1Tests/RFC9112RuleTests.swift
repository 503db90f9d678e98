import HTTP1
import Testing

/// Request-target, Transfer-Encoding list and chunk-extension rules of RFC 9110/9112, each split at every byte as
/// the server may read it.
@Suite struct RFC9112RuleTests {
    func post(_ framing: String, _ body: String = "3\r\nabc\r\n0\r\n\r\n") -> String {
        "POST / HTTP/1.1\r\nHost: a\r\n\(framing)\r\n\(body)"
    }

    /// The outcome of `raw`, after checking that every two-piece split of it gives the same one.
    func outcome(_ raw: String) -> Outcome {
        let whole = parseRequest(raw)
        for pieces in splits(of: Array(raw.utf8)) {
            #expect(parseRequest(pieces) == whole, "split \(pieces.map(\.count))")
        }
        return whole
    }

    /// RFC 9112 §3.2: a fragment is never part of the request-target (`#` is not in origin-form's grammar).
    @Test(arguments: ["/a#b", "/#", "/a?x=1#frag", "http://a.example/p#f", "*#"])
    func fragmentInTargetIs400(_ target: String) {
        let method = target.hasPrefix("*") ? "OPTIONS" : "GET"
        let result = outcome("\(method) \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result == .failure(.invalidTarget))
        #expect(result.status == 400)
    }

    /// RFC 9110 §5.6.1: a recipient ignores empty list elements, so these are all plain `chunked`.
    @Test(arguments: ["chunked, ,", ", chunked", " ,, chunked ,", "chunked,\r\nTransfer-Encoding: ,"])
    func emptyTransferEncodingElementsAreIgnored(_ value: String) {
        guard case .request(_, let body, _) = outcome(post("Transfer-Encoding: \(value)\r\n")) else {
            Issue.record("Transfer-Encoding: \(value) refused")
            return
        }
        #expect(body == Array("abc".utf8))
    }

    /// RFC 9112 §6.3 (4): a final coding other than chunked is 400 (and close), checked before the 501 an
    /// unknown coding would get; a list of nothing but empty elements names no coding at all.
    @Test(arguments: ["gzip", "identity", "xchunked", "chunked, gzip", "gzip, chunked, gzip", ",", " , "])
    func finalCodingNotChunkedIs400(_ value: String) {
        let result = outcome(post("Transfer-Encoding: \(value)\r\n"))
        #expect(result == .failure(.invalidTransferEncoding))
        #expect(result.status == 400)
    }

    /// RFC 9110 §6.1 / RFC 9112 §6.1: chunked last, but another coding before it that we do not implement: 501.
    @Test(arguments: ["gzip, chunked", "gzip, , chunked", "gzip\r\nTransfer-Encoding: chunked"])
    func unknownCodingBeforeChunkedIs501(_ value: String) {
        #expect(outcome(post("Transfer-Encoding: \(value)\r\n")).status == 501)
    }

    /// RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ).
    @Test(arguments: ["3;a", "3;a=b", "3 ; a = b", "3;a=b;c;d=\"\"", "3;a=\"x y;\\\"z\\\\\"", "3;a=\"caf\u{e9}\"",
                      "3;a ", "3;a=b\t", "3;a=\"q\"  ;b"])
    func wellFormedChunkExtensionsAreIgnored(_ line: String) {
        guard case .request(_, let body, _) = outcome(post("Transfer-Encoding: chunked\r\n", "\(line)\r\nabc\r\n0;z=1\r\n\r\n"))
        else {
            Issue.record("extension \(line) refused")
            return
        }
        #expect(body == Array("abc".utf8))
    }

    @Test(arguments: ["3;", "3;;a", "3;=b", "3;a=", "3;a=;b", "3;a b", "3;a=b c", "3;a@b", "3;a=b@", "3;a=\"x",
                      "3;a=\"x\"b", "3;a=\"\u{1}\"", "3;a=\"x\\\u{1}\"", "3; a=\"x\"\"", "3;a=caf\u{e9}", "3;a=b;"])
    func malformedChunkExtensionIs400(_ line: String) {
        let result = outcome(post("Transfer-Encoding: chunked\r\n", "\(line)\r\nabc\r\n0\r\n\r\n"))
        #expect(result == .failure(.invalidChunkExtension), "\(line)")
        #expect(result.status == 400)
    }

    @Test func bareLFEndingAChunkExtensionStaysBareLF() {
        for line in ["3;a\n", "3;a=b\n", "3;a=\"b\"\n", "3;a=\n"] {
            #expect(outcome(post("Transfer-Encoding: chunked\r\n", "\(line)abc\r\n0\r\n\r\n")) == .failure(.bareLF), "\(line)")
        }
    }
}
