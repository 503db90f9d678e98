/// The status line and header fields of an HTTP/1.x response.
public struct ResponseHead: Sendable, Equatable {
    public var version: HTTPVersion
    public var status: HTTPStatus
    public var headers: HeaderFields
    public init(version: HTTPVersion = .http1_1, status: HTTPStatus, headers: HeaderFields) {
        self.version = version
        self.status = status
        self.headers = headers
    }
}

/// A whole response: its head and its body with any transfer coding removed.
public struct ParsedResponse: Sendable, Equatable {
    public var head: ResponseHead
    public var body: [UInt8]
    public init(head: ResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

/// Why a response could not be read. Descriptions are generic: they never echo the peer's bytes.
public enum ResponseParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedStatusLine, unsupportedVersion, statusLineTooLong
    case headerSectionTooLarge, tooManyHeaderFields, malformedHeaderField
    case invalidContentLength, transferEncodingWithContentLength, unsupportedTransferCoding
    case malformedChunkedBody, bodyTooLarge, truncated

    public var description: String {
        switch self {
        case .malformedStatusLine: "malformed status line"
        case .unsupportedVersion: "unsupported HTTP version"
        case .statusLineTooLong: "status line too long"
        case .headerSectionTooLarge: "response header section too large"
        case .tooManyHeaderFields: "too many response header fields"
        case .malformedHeaderField: "malformed response header field"
        case .invalidContentLength: "invalid Content-Length"
        case .transferEncodingWithContentLength: "Transfer-Encoding together with Content-Length"
        case .unsupportedTransferCoding: "unsupported transfer coding"
        case .malformedChunkedBody: "malformed chunked body"
        case .bodyTooLarge: "response body too large"
        case .truncated: "connection closed before the response was complete"
        }
    }
}

/// Reads one HTTP/1.x response (RFC 9112) from bytes fed as they arrive; never touches a socket.
/// Interim 1xx responses are skipped. Bodies are framed by Content-Length, chunked coding, or the end of the
/// connection (`finish()`), within `limits` (status line: `maxRequestLineBytes`; head: `maxHeaderBytes` and
/// `maxHeaderCount`; body after de-chunking: `maxBodyBytes`).
public struct ResponseParser: Sendable {
    public enum Progress: Sendable, Equatable {
        case needMoreData
        case complete(ParsedResponse)
    }

    enum Framing: Equatable { case empty, length(Int), chunked, untilClose }
    enum State { case head, body(ResponseHead, Framing), complete(ParsedResponse) }

    public let limits: ParserLimits
    private let requestMethod: HTTPMethod
    private var state = State.head
    private var buffer: [UInt8] = []
    private var body: [UInt8] = []
    private var chunked: ChunkedDecoder

    public init(limits: ParserLimits = .init(), requestMethod: HTTPMethod = .GET) {
        self.limits = limits
        self.requestMethod = requestMethod
        chunked = ChunkedDecoder(limits: limits)
    }

    /// Feeds the next bytes read from the connection. Bytes after a complete response are ignored.
    public mutating func consume(_ bytes: [UInt8]) throws(ResponseParseError) -> Progress {
        if case .complete(let response) = state { return .complete(response) }
        buffer.append(contentsOf: bytes)
        while case .head = state {
            guard let (head, used) = try ResponseHeadReader.read(buffer, limits: limits) else { return .needMoreData }
            buffer.removeFirst(used)
            if (100...199).contains(head.status.code) { continue }  // interim response: the final one follows
            state = .body(head, try framing(of: head))
        }
        return try advanceBody()
    }

    /// The peer closed the connection: completes a close-delimited body, otherwise the response was cut short.
    public mutating func finish() throws(ResponseParseError) -> ParsedResponse {
        switch state {
        case .complete(let response): return response
        case .body(let head, .untilClose): return ParsedResponse(head: head, body: body)
        case .head, .body: throw .truncated
        }
    }

    private mutating func advanceBody() throws(ResponseParseError) -> Progress {
        guard case .body(let head, let framing) = state else { return .needMoreData }
        switch framing {
        case .empty:
            break
        case .length(let length):
            let take = min(length - body.count, buffer.count)
            body.append(contentsOf: buffer.prefix(take))
            buffer.removeAll()
            guard body.count == length else { return .needMoreData }
        case .chunked:
            let used: Int
            do { used = try chunked.decode(buffer, into: &body) } catch { throw ResponseParseError(chunkError: error) }
            buffer.removeFirst(used)
            guard chunked.isComplete else { return .needMoreData }
        case .untilClose:
            body.append(contentsOf: buffer)
            buffer.removeAll()
            guard body.count <= limits.maxBodyBytes else { throw .bodyTooLarge }
            return .needMoreData
        }
        let response = ParsedResponse(head: head, body: body)
        state = .complete(response)
        return .complete(response)
    }

    /// RFC 9112 §6.3, strictly: a response carrying both Transfer-Encoding and Content-Length is refused.
    func framing(of head: ResponseHead) throws(ResponseParseError) -> Framing {
        let code = head.status.code
        if requestMethod == .HEAD || code == 204 || code == 304 { return .empty }
        let codings = head.headers.occurrences(of: "Transfer-Encoding")
        let lengths = head.headers.occurrences(of: "Content-Length")
        if codings.count > 0 {
            guard lengths.count == 0 else { throw .transferEncodingWithContentLength }
            let list = head.headers.listElements(of: "Transfer-Encoding")
            guard list.count == 1, list[0].equalsIgnoringASCIICase("chunked") else { throw .unsupportedTransferCoding }
            return .chunked
        }
        guard let first = lengths.first else { return .untilClose }
        // One field of digits alone, as nearly every answer sends it, is read without splitting it into a set.
        let length: Int
        if lengths.count == 1, let digits = Self.decimalLength(first) {
            length = digits
        } else {
            let values = Set(head.headers.values(for: "Content-Length").flatMap {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }.map { String($0.trimmingOWS()) })
            guard values.count == 1, let text = values.first, let digits = Self.decimalLength(text) else {
                throw .invalidContentLength
            }
            length = digits
        }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        return length == 0 ? .empty : .length(length)
    }

    /// 1 to 18 ASCII digits (so that it cannot overflow), nothing else.
    private static func decimalLength(_ text: String) -> Int? {
        guard (1...18).contains(text.utf8.count) else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension ResponseParseError {
    init(chunkError: HTTPParseError) {
        switch chunkError {
        case .contentTooLarge: self = .bodyTooLarge
        case .headerSectionTooLarge, .tooManyHeaderFields: self = .headerSectionTooLarge
        default: self = .malformedChunkedBody
        }
    }
}
