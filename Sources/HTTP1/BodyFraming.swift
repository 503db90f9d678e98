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
    /// - Transfer-Encoding must be exactly `chunked`; chunked not last is 400 (§6.3), any other coding 501,
    ///   a repeated `chunked` 400.
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

    private static func chunkedFraming(_ values: [String]) throws(HTTPParseError) -> BodyFraming {
        var codings: [Substring] = []
        for value in values {
            for coding in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = coding.trimmingOWS()
                guard !trimmed.isEmpty, trimmed.utf8.allSatisfy(ASCII.isTokenByte) else {
                    throw .invalidTransferEncoding
                }
                codings.append(trimmed)
            }
        }
        let isChunked = { (coding: Substring) in coding.equalsIgnoringASCIICase("chunked") }
        // §6.3 (4): chunked present but not final leaves the length undeterminable: 400, not 501.
        if codings.contains(where: isChunked), let last = codings.last, !isChunked(last) { throw .invalidTransferEncoding }
        guard codings.allSatisfy(isChunked) else { throw .unsupportedTransferCoding }
        guard codings.count == 1 else { throw .invalidTransferEncoding }
        return .chunked
    }
}
