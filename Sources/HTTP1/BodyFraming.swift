/// How the body of a request is delimited (RFC 9112 §6.3), decided from the head alone.
public enum BodyFraming: Sendable, Equatable {
    /// No body: neither Content-Length nor Transfer-Encoding (a request never reads until close).
    case none
    case contentLength(Int)
    case chunked

    /// Strict choices, all refusing ambiguity that could enable request smuggling:
    /// - Transfer-Encoding together with Content-Length is 400 (RFC 9112 §6.1 allows treating it as an error).
    /// - More than one Content-Length is 400, even when the values are identical, and so is a list value
    ///   (`5, 5`): a sane client never sends either.
    /// - Transfer-Encoding must be exactly `chunked`: a final coding other than chunked is 400 and close (§6.3),
    ///   another coding before chunked 501, a repeated `chunked` 400.
    /// - Transfer-Encoding in HTTP/1.0 is 400 (§6.1: the framing is faulty).
    /// - A Content-Length above `maxBodyBytes` is 413 before any body byte is read.
    public static func decide(for head: RequestHead, limits: ParserLimits) throws(HTTPParseError) -> BodyFraming {
        let lengths = head.headers.occurrences(of: "content-length")
        if head.headers.contains("transfer-encoding") {
            guard lengths.count == 0 else { throw .transferEncodingWithContentLength }
            guard head.version != .http1_0 else { throw .transferEncodingInHTTP10 }
            return try chunkedFraming(head.headers.values(for: "transfer-encoding"))
        }
        guard let value = lengths.first else { return .none }
        guard lengths.count == 1, !value.utf8.contains(UInt8(ascii: ",")) else { throw .duplicateContentLength }
        guard value.utf8.count <= 18, !value.isEmpty, value.utf8.allSatisfy(ASCII.isDigit),
              let length = Int(value)
        else { throw .invalidContentLength }
        guard length <= limits.maxBodyBytes else { throw .contentTooLarge }
        return length == 0 ? .none : .contentLength(length)
    }

    /// RFC 9112 §6.3 (4) first: a final coding that is not chunked leaves the length undeterminable, 400 whatever
    /// the codings are; then a coding we do not implement is 501 (RFC 9110 §6.1); chunked twice is 400. Empty list
    /// elements (`chunked, ,`) are ignored (RFC 9110 §5.6.1). A scan of the values: no list of codings is built.
    private static func chunkedFraming(_ values: [String]) throws(HTTPParseError) -> BodyFraming {
        var codings = 0
        var chunkedCodings = 0
        var lastIsChunked = false
        for value in values {
            var rest = Substring(value)
            while true {
                let comma = rest.utf8.firstIndex(of: UInt8(ascii: ","))
                let coding = rest[..<(comma ?? rest.endIndex)].trimmingOWS()
                if !coding.isEmpty {
                    guard coding.utf8.allSatisfy(ASCII.isTokenByte) else { throw .invalidTransferEncoding }
                    lastIsChunked = coding.equalsIgnoringASCIICase("chunked")
                    codings += 1
                    if lastIsChunked { chunkedCodings += 1 }
                }
                guard let comma else { break }
                rest = rest[rest.utf8.index(after: comma)...]
            }
        }
        guard codings > 0, lastIsChunked else { throw .invalidTransferEncoding }
        guard chunkedCodings == codings else { throw .unsupportedTransferCoding }
        guard codings == 1 else { throw .invalidTransferEncoding }
        return .chunked
    }
}
