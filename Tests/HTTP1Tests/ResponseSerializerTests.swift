import HTTP1
import Testing

@Suite struct ResponseSerializerTests {
    @Test func writesStatusLineAndFields() {
        let head = ResponseSerializer.head(status: .notFound, headers: ["Content-Length": "0", "X-A": "b"])
        #expect(String(decoding: head, as: UTF8.self) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-A: b\r\n\r\n")
    }

    @Test func dropsFieldsThatWouldSplitTheResponse() {
        let head = ResponseSerializer.head(status: .ok, headers: ["X-A": "b\r\nSet-Cookie: x", "Bad Name": "v", "X-B": "ok"])
        #expect(String(decoding: head, as: UTF8.self) == "HTTP/1.1 200 OK\r\nX-B: ok\r\n\r\n")
    }
}
