/// Why a request could not be read. Each case names the rule it breaks and maps to the status the client gets;
/// `description` is generic and safe to send back (it never echoes the offending bytes).
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedRequestLine, invalidMethod, invalidTarget, malformedVersion, unsupportedVersion
    case requestLineTooLong, headerSectionTooLarge, tooManyHeaderFields
    case invalidHeaderName, invalidHeaderValue, whitespaceBeforeColon, obsoleteLineFolding, bareCR, bareLF
    case missingHost, duplicateHost
    case transferEncodingWithContentLength, invalidContentLength, duplicateContentLength
    case transferEncodingInHTTP10, invalidTransferEncoding, unsupportedTransferCoding
    case contentTooLarge
    case invalidChunkSize, invalidChunkExtension, chunkSizeOverflow, chunkLineTooLong, invalidChunkTerminator, invalidTrailer
    case unsupportedExpectation

    public var status: HTTPStatus {
        switch self {
        case .unsupportedVersion: .httpVersionNotSupported
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .contentTooLarge: .contentTooLarge
        case .unsupportedExpectation: .expectationFailed
        default: .badRequest
        }
    }

    public var description: String {
        switch self {
        case .malformedRequestLine: "malformed request line"
        case .invalidMethod: "invalid method"
        case .invalidTarget: "invalid request target"
        case .malformedVersion: "malformed HTTP version"
        case .unsupportedVersion: "HTTP version not supported"
        case .requestLineTooLong: "request line too long"
        case .headerSectionTooLarge: "header section too large"
        case .tooManyHeaderFields: "too many header fields"
        case .invalidHeaderName: "invalid header field name"
        case .invalidHeaderValue: "invalid header field value"
        case .whitespaceBeforeColon: "whitespace before colon in header field"
        case .obsoleteLineFolding: "obsolete line folding is not allowed"
        case .bareCR: "bare CR in request"
        case .bareLF: "bare LF in request"
        case .missingHost: "missing Host header"
        case .duplicateHost: "more than one Host header"
        case .transferEncodingWithContentLength: "Transfer-Encoding together with Content-Length"
        case .invalidContentLength: "invalid Content-Length"
        case .duplicateContentLength: "more than one Content-Length"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .invalidTransferEncoding: "invalid Transfer-Encoding"
        case .unsupportedTransferCoding: "unsupported transfer coding"
        case .contentTooLarge: "request body too large"
        case .invalidChunkSize: "invalid chunk size"
        case .invalidChunkExtension: "invalid chunk extension"
        case .chunkSizeOverflow: "chunk size too large"
        case .chunkLineTooLong: "chunk line too long"
        case .invalidChunkTerminator: "chunk data not followed by CRLF"
        case .invalidTrailer: "invalid trailer field"
        case .unsupportedExpectation: "unsupported expectation"
        }
    }
}
