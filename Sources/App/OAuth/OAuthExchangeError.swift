import HTTP1
import HTTPClient

/// Why an authorization code could not be exchanged. Carries only what is safe to answer to the caller:
/// never the code, the client secret or a token, and never an address the host resolved to.
public enum OAuthExchangeError: Error, Sendable, Equatable, CustomStringConvertible, APIErrorConvertible {
    /// The token URL is not one we may call (scheme, or the SSRF guard) → 400006.
    case targetRefused(String)
    /// The token endpoint answered an OAuth error (RFC 6749 §5.2) → 400007.
    case rejected(error: String, description: String?)
    /// The token endpoint could not be reached in time → 502001.
    case unreachable(String)
    /// The token endpoint answered something that is not a usable token response → 502002.
    case badResponse(String)
    /// The organisation already has as many outbound calls running as it may → 503002.
    case busy
    /// The request's own deadline (REQUEST_TIMEOUT_MS) passed before the token endpoint answered → 503004.
    case deadlineExceeded

    public var description: String {
        switch self {
        case .targetRefused(let reason): "the token URL was refused: \(reason)"
        case .rejected(let error, _): "the token endpoint rejected the authorization code (\(error))"
        case .unreachable(let reason): "the token endpoint could not be reached: \(reason)"
        case .badResponse(let reason): "the token endpoint answered badly: \(reason)"
        case .busy: "too many outbound calls are running for this organisation; retry shortly"
        case .deadlineExceeded: "the request's time ran out while the token endpoint had not answered; nothing was changed"
        }
    }

    public var apiError: APIError {
        switch self {
        case .targetRefused: APIError(.outboundTargetRefused, description)
        case .rejected(_, let details): APIError(.oauthExchangeRejected, description, details: details)
        case .unreachable: APIError(.tokenEndpointUnreachable, description)
        case .badResponse: APIError(.tokenEndpointBadResponse, description)
        case .busy: APIError(.outboundBusy, description, headers: ["Retry-After": "1"])
        case .deadlineExceeded: APIError(.requestDeadlineExceeded, description, headers: ["Retry-After": "1"])
        }
    }

    /// How a transport failure reads to the API's caller.
    init(_ error: HTTPClientError) {
        switch error {
        case .refused(let refusal): self = .targetRefused(refusal.description)
        case .invalidURL: self = .targetRefused(error.description)
        case .resolutionFailed, .connectionFailed, .timedOut, .tlsFailed, .connectionLost, .cancelled, .invalidRequest,
             .tooManyRequestsInFlight:
            self = .unreachable(error.description)
        case .responseTooLarge, .malformedResponse: self = .badResponse(error.description)
        case .tenantConcurrencyLimit: self = .busy
        }
    }
}
