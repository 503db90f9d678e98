import HTTP1
import Testing

/// Requests that must be refused, with the rule they break and the status the client gets.
struct InvalidFixture: Sendable, CustomTestStringConvertible {
    let rule: String
    let raw: String
    let error: HTTPParseError
    var testDescription: String { rule }
}

let host = "Host: a\r\n"

let invalidFixtures: [InvalidFixture] = [
    .init(rule: "rejectsTransferEncodingWithContentLength",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
          error: .transferEncodingWithContentLength),
    .init(rule: "rejectsDuplicateContentLength",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", error: .duplicateContentLength),
    .init(rule: "rejectsRepeatedIdenticalContentLength",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", error: .duplicateContentLength),
    .init(rule: "rejectsContentLengthList",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 3, 3\r\n\r\nabc", error: .duplicateContentLength),
    .init(rule: "rejectsNonNumericContentLength",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: +3\r\n\r\nabc", error: .invalidContentLength),
    .init(rule: "rejectsOverflowingContentLength",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\n", error: .invalidContentLength),
    .init(rule: "rejectsBareLFInChunkSize",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", error: .bareLF),
    .init(rule: "rejectsBadChunkSize",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3x\r\nabc\r\n0\r\n\r\n", error: .invalidChunkSize),
    .init(rule: "rejectsEmptyChunkSize",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n", error: .invalidChunkSize),
    .init(rule: "rejectsOverflowingChunkSize",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", error: .chunkSizeOverflow),
    .init(rule: "rejectsChunkDataWithoutCRLF",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", error: .invalidChunkTerminator),
    .init(rule: "rejectsObsoleteLineFoldingInTrailer",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n", error: .obsoleteLineFolding),
    .init(rule: "rejectsObsoleteLineFolding", raw: "GET / HTTP/1.1\r\n\(host)X-A: b\r\n  c\r\n\r\n", error: .obsoleteLineFolding),
    .init(rule: "rejectsBareCRInValue", raw: "GET / HTTP/1.1\r\n\(host)X-A: b\rc\r\n\r\n", error: .bareCR),
    .init(rule: "rejectsBareLFInHead", raw: "GET / HTTP/1.1\n\(host)\r\n", error: .bareLF),
    .init(rule: "rejectsWhitespaceBeforeColon", raw: "GET / HTTP/1.1\r\n\(host)X-A : b\r\n\r\n", error: .whitespaceBeforeColon),
    .init(rule: "rejectsNonTokenFieldName", raw: "GET / HTTP/1.1\r\n\(host)X(A): b\r\n\r\n", error: .invalidHeaderName),
    .init(rule: "rejectsEmptyFieldName", raw: "GET / HTTP/1.1\r\n\(host): b\r\n\r\n", error: .invalidHeaderName),
    .init(rule: "rejectsControlBytesInValue", raw: "GET / HTTP/1.1\r\n\(host)X-A: b\u{0}c\r\n\r\n", error: .invalidHeaderValue),
    .init(rule: "rejectsMissingHostOnHTTP11", raw: "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", error: .missingHost),
    .init(rule: "rejectsRepeatedHost", raw: "GET / HTTP/1.1\r\n\(host)Host: b\r\n\r\n", error: .duplicateHost),
    .init(rule: "rejectsUnknownTransferCodingWith501",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n", error: .unsupportedTransferCoding),
    .init(rule: "rejectsChunkedNotAlone",
          raw: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n", error: .invalidTransferEncoding),
    .init(rule: "rejectsTransferEncodingInHTTP10",
          raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", error: .transferEncodingInHTTP10),
    .init(rule: "rejectsUnsupportedVersionWith505", raw: "GET / HTTP/2.0\r\n\(host)\r\n", error: .unsupportedVersion),
    .init(rule: "rejectsMalformedVersion", raw: "GET / HTTP/1.10\r\n\(host)\r\n", error: .malformedVersion),
    .init(rule: "rejectsLowercaseVersion", raw: "GET / http/1.1\r\n\(host)\r\n", error: .malformedVersion),
    .init(rule: "rejectsDoubleSpaceInRequestLine", raw: "GET  / HTTP/1.1\r\n\(host)\r\n", error: .malformedRequestLine),
    .init(rule: "rejectsNonTokenMethod", raw: "G@T / HTTP/1.1\r\n\(host)\r\n", error: .invalidMethod),
    .init(rule: "rejectsRelativeTarget", raw: "GET foo HTTP/1.1\r\n\(host)\r\n", error: .invalidTarget),
    .init(rule: "rejectsUnknownExpectationWith417",
          raw: "POST / HTTP/1.1\r\n\(host)Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx", error: .unsupportedExpectation),
    .init(rule: "rejectsBodyOverLimitUpFront",
          raw: "POST / HTTP/1.1\r\n\(host)Content-Length: 1048577\r\n\r\n", error: .contentTooLarge),
]

@Suite struct InvalidRequestTests {
    @Test(arguments: invalidFixtures)
    func rejects(_ fixture: InvalidFixture) {
        #expect(parseRequest(fixture.raw) == .failure(fixture.error), "\(fixture.rule)")
    }

    /// However the bytes are cut, the verdict is the same.
    @Test(arguments: invalidFixtures)
    func rejectsEverySplit(_ fixture: InvalidFixture) {
        let bytes = Array(fixture.raw.utf8)
        for pieces in splits(of: bytes) {
            #expect(parseRequest(pieces) == .failure(fixture.error), "\(fixture.rule) split \(pieces.map(\.count))")
        }
    }

    @Test func mapsEachErrorToItsStatus() {
        #expect(HTTPParseError.transferEncodingWithContentLength.status.code == 400)
        #expect(HTTPParseError.unsupportedTransferCoding.status.code == 501)
        #expect(HTTPParseError.unsupportedVersion.status.code == 505)
        #expect(HTTPParseError.requestLineTooLong.status.code == 414)
        #expect(HTTPParseError.headerSectionTooLarge.status.code == 431)
        #expect(HTTPParseError.tooManyHeaderFields.status.code == 431)
        #expect(HTTPParseError.contentTooLarge.status.code == 413)
        #expect(HTTPParseError.unsupportedExpectation.status.code == 417)
    }
}
