/// Incremental request-head parser (RFC 9112 §2–§5). Feed it the whole unconsumed buffer each time more bytes
/// arrive; it remembers how far it has scanned so each byte is examined for line ends once.
/// It never allocates per byte: lines are located by index and only complete fields become Strings.
public struct RequestParser: Sendable {
    public enum Step: Sendable, Equatable {
        case needMoreData
        /// A complete head; `consumed` bytes (request line through the empty line) belong to it.
        case head(RequestHead, consumed: Int)
    }

    public let limits: ParserLimits
    private var scanned = 0
    private var lineStart = 0
    private var requestStart = 0
    private var requestLineEnd = -1
    private var fieldLines = 0

    public init(limits: ParserLimits = .init()) { self.limits = limits }

    /// Forgets progress, ready for the next request's bytes at offset 0.
    public mutating func reset() { self = RequestParser(limits: limits) }

    public mutating func parse(_ bytes: [UInt8]) throws(HTTPParseError) -> Step {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(HTTPParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPParseError) -> Step {
        var index = scanned
        let end = buffer.count
        while index < end {
            guard buffer[index] == ASCII.lf else {
                index &+= 1
                continue
            }
            guard index > lineStart, buffer[index - 1] == ASCII.cr else { throw .bareLF }
            let contentEnd = index - 1
            if requestLineEnd < 0 {
                if contentEnd == lineStart {
                    requestStart = index + 1  // RFC 9112 §2.2: ignore empty lines before the request line
                } else {
                    guard contentEnd - lineStart <= limits.maxRequestLineBytes else { throw .requestLineTooLong }
                    requestLineEnd = index + 1
                }
            } else if contentEnd == lineStart {
                let head = try HeadBuilder(buffer: buffer, limits: limits).build(
                    requestLine: requestStart..<(requestLineEnd - 2), fields: requestLineEnd..<contentEnd)
                reset()
                return .head(head, consumed: index + 1)
            } else {
                fieldLines += 1
                guard fieldLines <= limits.maxHeaderCount else { throw .tooManyHeaderFields }
            }
            lineStart = index + 1
            try checkSizes(upTo: lineStart)
            index &+= 1
        }
        scanned = end
        try checkSizes(upTo: end)
        return .needMoreData
    }

    private func checkSizes(upTo position: Int) throws(HTTPParseError) {
        if requestLineEnd < 0 {
            // Leading empty lines count too, so a stream of CRLFs cannot hold the connection for ever.
            if position - requestStart > limits.maxRequestLineBytes + 2 || requestStart > limits.maxRequestLineBytes {
                throw .requestLineTooLong
            }
        } else if position - requestLineEnd > limits.maxHeaderBytes {
            throw .headerSectionTooLarge
        }
    }
}
