import HTTP1

/// Why an outbound request failed. Descriptions are safe to show a caller: they never hold a resolved address,
/// a header value or a body.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    /// A header the caller set cannot be sent (bad name or value, or one the client owns such as Host).
    case invalidRequest(String)
    /// The SSRF guard refused the target.
    case refused(OutboundRefusal)
    case resolutionFailed
    /// No resolved address accepted a connection (refused, unreachable).
    case connectionFailed
    /// The connect timeout or the request's total deadline passed.
    case timedOut
    /// The TLS handshake failed, or the certificate did not verify for the host; the reason is OpenSSL's.
    case tlsFailed(String)
    /// The connection broke while sending or receiving.
    case connectionLost
    case responseTooLarge
    case malformedResponse(ResponseParseError)
    case cancelled
    /// `maxConcurrentRequests` are already running; each holds a thread, so more are refused rather than queued.
    case tooManyRequestsInFlight
    /// `maxConcurrentRequestsPerTenant` requests of the same tenant are already running.
    case tenantConcurrencyLimit

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid URL: \(reason)"
        case .invalidRequest(let reason): "invalid request: \(reason)"
        case .refused(let refusal): "outbound request refused: \(refusal)"
        case .resolutionFailed: "the host name did not resolve"
        case .connectionFailed: "could not connect to the host"
        case .timedOut: "the request timed out"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .connectionLost: "the connection was lost"
        case .responseTooLarge: "the response is too large"
        case .malformedResponse(let error): "malformed response: \(error)"
        case .cancelled: "the request was cancelled"
        case .tooManyRequestsInFlight: "too many outbound requests are in flight"
        case .tenantConcurrencyLimit: "too many outbound requests are in flight for this organisation"
        }
    }
}
