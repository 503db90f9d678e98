import HTTP1
import HTTPClient

/// How an outbound failure of the proxy reads to its caller: each refusal with its own code, and never an
/// address, header value or body (`HTTPClientError` descriptions hold none).
enum ProxyFailure {
    static func apiError(_ error: HTTPClientError) -> APIError {
        switch error {
        case .refused(let refusal):
            APIError(
                .proxyTargetRefused, "the connector's baseUrl is not reachable from this server", details: refusal.description)
        case .invalidURL, .invalidRequest:
            APIError(.proxyRequestInvalid, "the request cannot be forwarded as sent", details: error.description)
        case .resolutionFailed, .connectionFailed, .tlsFailed, .connectionLost:
            APIError(.upstreamUnreachable, "the provider could not be reached", details: error.description)
        case .timedOut, .cancelled:
            APIError(.upstreamTimedOut, "the provider did not answer in time")
        case .responseTooLarge, .malformedResponse:
            APIError(.upstreamBadResponse, "the provider's answer could not be relayed", details: error.description)
        case .tooManyRequestsInFlight, .tenantConcurrencyLimit:
            APIError(.outboundBusy, "too many outbound calls are running for this organisation; retry shortly",
                     headers: ["Retry-After": "1"])
        }
    }
}
