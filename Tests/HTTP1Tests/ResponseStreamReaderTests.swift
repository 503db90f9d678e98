import HTTP1
import Testing

/// The streaming response reader against each framing, fed one byte at a time and all at once, and the chunk
/// framing the sending side writes, read back by the decoder.
struct ResponseStreamReaderTests {
    /// Every event for `raw` fed in pieces of `step` bytes, then the end of the connection when `close`.
    private func events(_ raw: String, step: Int, method: HTTPMethod = .GET, close: Bool = false) throws -> [ResponseStreamReader.Event] {
        var reader = ResponseStreamReader(requestMethod: method)
        let bytes = Array(raw.utf8)
        var all: [ResponseStreamReader.Event] = []
        var index = 0
        while index < bytes.count {
            all += try reader.consume(bytes[index..<min(bytes.count, index + step)])
            index += step
        }
        if close { all += try reader.finish() }
        return all
    }

    private func body(_ events: [ResponseStreamReader.Event]) -> String {
        var bytes: [UInt8] = []
        for case .body(let piece) in events { bytes += piece }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func length(_ events: [ResponseStreamReader.Event]) -> Int?? {
        for event in events { if case .head(_, let length) = event { return .some(length) } }
        return .none
    }

    @Test(arguments: [1, 7, 4096])
    func contentLengthBodiesEndAtTheirLength(step: Int) throws {
        let got = try events("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello worldEXTRA", step: step)
        #expect(length(got) == .some(11))
        #expect(body(got) == "hello world")
        #expect(got.last == .end)
    }

    @Test(arguments: [1, 5, 4096])
    func chunkedBodiesAreDecodedAndEndAtTheLastChunk(step: Int) throws {
        let got = try events("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n", step: step)
        #expect(length(got) == .some(nil))
        #expect(body(got) == "hello world")
        #expect(got.last == .end)
    }

    @Test func closeDelimitedBodiesEndWithTheConnection() throws {
        let got = try events("HTTP/1.1 200 OK\r\n\r\nuntil close", step: 3, close: true)
        #expect(length(got) == .some(nil))
        #expect(body(got) == "until close")
        #expect(got.last == .end)
    }

    @Test func aHeadAnswerCarriesItsDeclaredLengthAndNoBody() throws {
        let got = try events("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", step: 4096, method: .HEAD)
        #expect(length(got) == .some(99))
        #expect(got.count == 2 && got.last == .end)
    }

    @Test func aBodyCutShortIsTruncated() throws {
        #expect(throws: ResponseParseError.truncated) {
            _ = try events("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", step: 4096, close: true)
        }
        #expect(throws: ResponseParseError.truncated) {
            _ = try events("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", step: 4096, close: true)
        }
        #expect(throws: ResponseParseError.malformedChunkedBody) {
            _ = try events("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", step: 4096)
        }
    }

    @Test func chunkFramingReadsBackThroughTheDecoder() throws {
        let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        let wire = ChunkFraming.chunk(Array(data[0..<65_536])) + ChunkFraming.chunk([]) + ChunkFraming.sizeLine(4464)
            + Array(data[65_536...]) + ChunkFraming.crlf + ChunkFraming.last
        #expect(ChunkFraming.sizeLine(65_536) == Array("10000\r\n".utf8))
        var limits = ParserLimits()
        limits.maxBodyBytes = .max
        var decoder = ChunkedDecoder(limits: limits)
        var decoded: [UInt8] = []
        #expect(try decoder.decode(wire, into: &decoded) == wire.count)
        #expect(decoder.isComplete && decoded == data)
    }

    /// Bytes after the end mark the connection unfit for another exchange, whether they came with the end or
    /// after it, in every framing that ends by itself.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK", true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nX", true),
        ("HTTP/1.1 204 No Content\r\n\r\n", false),
        ("HTTP/1.1 204 No Content\r\n\r\nX", true),
    ])
    func bytesBeyondTheEndAreSurplus(raw: String, surplus: Bool) throws {
        for step in [1, raw.utf8.count] {
            var reader = ResponseStreamReader()
            let bytes = Array(raw.utf8)
            var index = 0
            while index < bytes.count {
                _ = try reader.consume(bytes[index..<min(bytes.count, index + step)])
                index += step
            }
            #expect(reader.isComplete)
            #expect(reader.hasSurplus == surplus, "\(raw), \(step) at a time")
        }
    }

}
