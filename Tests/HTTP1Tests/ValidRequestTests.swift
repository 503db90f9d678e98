import HTTP1
import Testing

/// Requests a conforming server must accept, each checked whole and replayed split at every byte offset.
struct ValidFixture: Sendable, CustomTestStringConvertible {
    let rule: String
    let raw: String
    let method: String
    let target: String
    let body: String
    var keepAlive = true
    var expectsContinue = false
    var testDescription: String { rule }
}

let validFixtures: [ValidFixture] = [
    .init(rule: "parsesMinimalGet", raw: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/", body: ""),
    .init(rule: "treatsMissingLengthAsEmptyBody", raw: "POST /x HTTP/1.1\r\nHost: a\r\n\r\n",
          method: "POST", target: "/x", body: ""),
    .init(rule: "readsContentLengthBody", raw: "POST /p?q=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
          method: "POST", target: "/p?q=1", body: "hello"),
    .init(rule: "decodesChunkedBodyWithExtensionsAndTrailers",
          raw: "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA \r\n, world!!!\r\n0\r\nX-Trailer: yes\r\nOther: 1\r\n\r\n",
          method: "POST", target: "/c", body: "hello, world!!!"),
    .init(rule: "acceptsCaseInsensitiveChunked",
          raw: "PUT /c HTTP/1.1\r\nHost: a\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
          method: "PUT", target: "/c", body: "abc"),
    .init(rule: "trimsOptionalWhitespaceAroundValues", raw: "GET / HTTP/1.1\r\nHost:   a \t\r\nX-Empty:\r\n\r\n",
          method: "GET", target: "/", body: ""),
    .init(rule: "defaultsHTTP10ToClose", raw: "GET /old HTTP/1.0\r\n\r\n", method: "GET", target: "/old", body: "",
          keepAlive: false),
    .init(rule: "honoursHTTP10KeepAlive", raw: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
          method: "GET", target: "/", body: ""),
    .init(rule: "honoursConnectionCloseToken", raw: "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n",
          method: "GET", target: "/", body: "", keepAlive: false),
    .init(rule: "ignoresLeadingEmptyLines", raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
          method: "GET", target: "/", body: ""),
    .init(rule: "reducesAbsoluteFormToOriginForm", raw: "GET http://a.example/p?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
          method: "GET", target: "/p?x=1", body: ""),
    .init(rule: "acceptsAsteriskForOptions", raw: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
          method: "OPTIONS", target: "*", body: ""),
    .init(rule: "recognisesExpectContinue",
          raw: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx",
          method: "POST", target: "/", body: "x", expectsContinue: true),
    .init(rule: "ignoresExpectationInHTTP10", raw: "GET / HTTP/1.0\r\nExpect: something\r\n\r\n",
          method: "GET", target: "/", body: "", keepAlive: false),
    .init(rule: "acceptsObsTextInValues", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u{e9}\r\n\r\n",
          method: "GET", target: "/", body: ""),
]

@Suite struct ValidRequestTests {
    @Test(arguments: validFixtures)
    func parsesWhole(_ fixture: ValidFixture) throws {
        let bytes = Array(fixture.raw.utf8)
        guard case .request(let head, let body, let consumed) = parseRequest([bytes]) else {
            Issue.record("\(fixture.rule): \(parseRequest([bytes]))")
            return
        }
        #expect(head.method.rawValue == fixture.method)
        #expect(head.target == fixture.target)
        #expect(String(decoding: body, as: UTF8.self) == fixture.body)
        #expect(head.keepAlive == fixture.keepAlive)
        #expect(head.expectsContinue == fixture.expectsContinue)
        #expect(consumed == bytes.count)
    }

    @Test(arguments: validFixtures)
    func parsesEverySplit(_ fixture: ValidFixture) {
        let bytes = Array(fixture.raw.utf8)
        let whole = parseRequest([bytes])
        for pieces in splits(of: bytes) {
            let outcome = parseRequest(pieces)
            #expect(outcome == whole, "\(fixture.rule) split \(pieces.map(\.count))")
        }
    }

    @Test func leavesPipelinedBytesUnconsumed() throws {
        var parser = RequestParser()
        let step = try parser.parse(Array("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b".utf8))
        guard case .head(let head, let consumed) = step else { Issue.record("no head"); return }
        #expect(head.target == "/a")
        #expect(consumed == 28)
    }

    @Test func keepsHeaderOrderAndCase() throws {
        guard case .request(let head, _, _) = parseRequest("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n")
        else { Issue.record("not parsed"); return }
        #expect(head.headers.values(for: "X-A") == ["1", "2"])
        #expect(head.headers.fields.map(\.name) == ["Host", "X-A", "x-a"])
    }

    /// Named methods come back as the named values; any other token, in any case, is kept as sent.
    @Test(arguments: ["GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "get", "GETS", "PUTT", "M-SEARCH", "PRI"])
    func keepsTheMethodTokenAsSent(_ token: String) throws {
        guard case .request(let head, _, _) = parseRequest("\(token) / HTTP/1.1\r\nHost: a\r\n\r\n")
        else { Issue.record("not parsed: \(token)"); return }
        #expect(head.method.rawValue == token)
        #expect(head.method == HTTPMethod(rawValue: token))
    }

    @Test func countsFieldOccurrencesCaseInsensitively() {
        let fields: HeaderFields = ["Host": "a", "X-A": "1", "x-a": "2"]
        #expect(fields.occurrences(of: "x-a") == (2, "1"))
        #expect(fields.occurrences(of: "HOST") == (1, "a"))
        #expect(fields.occurrences(of: "content-length") == (0, nil))
    }

    @Test func readsListElementsOfEveryFieldOfTheName() {
        let fields: HeaderFields = ["Connection": " keep-alive, ,Upgrade\t,", "X-Other": "a, b", "connection": "close"]
        #expect(fields.listElements(of: "CONNECTION") == ["keep-alive", "Upgrade", "close"])
        #expect(fields.listElements(of: "missing").isEmpty)
    }

    @Test(arguments: [
        ("HTTP/1.1", "", true), ("HTTP/1.1", "close", false), ("HTTP/1.0", "", false), ("HTTP/1.0", "Keep-Alive", true),
        ("HTTP/1.1", "upgrade, CLOSE", false), ("HTTP/1.0", "keep-alive, close", false),
    ])
    func decidesKeepAliveFromVersionAndConnectionOptions(version: String, connection: String, keeps: Bool) {
        let headers: HeaderFields = connection.isEmpty ? ["Host": "a"] : ["Host": "a", "Connection": connection]
        let parsedVersion: HTTPVersion = version == "HTTP/1.1" ? .http1_1 : .http1_0
        #expect(RequestHead.defaultKeepAlive(version: parsedVersion, headers: headers) == keeps)
    }
}

/// The project's one trim of spaces and tabs (RFC 9110 OWS), by byte.
@Suite struct OWSTrimTests {
    @Test(arguments: [
        (" \t a b \t", "a b"), ("", ""), (" \t ", ""), ("x", "x"), ("\tcafé ", "café"), (" é漢 ", "é漢"), ("a\u{301} ", "a\u{301}"),
    ])
    func trimsSpacesAndTabsOnly(_ input: String, _ expected: String) {
        #expect(String(input.trimmingOWS()) == expected)
        #expect(String(input.dropFirst(0).trimmingOWS()) == expected)
        #expect(String(("<" + input + ">").dropFirst().dropLast().trimmingOWS()) == expected)
    }
}
