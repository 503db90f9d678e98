public import HTTP1

/// Bounds and policy for outbound requests.
public struct HTTPClientConfiguration: Sendable {
    /// The SSRF guard; private networks are refused unless allowed.
    public var addressPolicy = OutboundAddressPolicy()
    /// Per address tried; also bounded by `timeout`.
    public var connectTimeout: Duration = .seconds(5)
    /// The whole request: resolution, connection, TLS handshake, sending and reading the response.
    public var timeout: Duration = .seconds(10)
    /// Most bytes read from the connection (head and body together).
    public var maxResponseBytes = 1024 * 1024
    /// Status line, header section and body bounds for the response parser.
    public var responseLimits = ParserLimits()
    /// A PEM file of CA certificates trusted besides the system store (for tests or private CAs).
    public var additionalTrustedCAFile: String?
    public var userAgent = "embedded-api"
    /// Requests running at once (each on its own thread); more fail at once with `.tooManyRequestsInFlight`.
    public var maxConcurrentRequests = 64
    /// Requests running at once for one tenant (`OutboundRequest.tenant`), so that one whose endpoint hangs
    /// cannot hold every thread; more fail at once with `.tenantConcurrencyLimit`.
    public var maxConcurrentRequestsPerTenant = 8
    /// Idle connections `open` keeps per origin (scheme, host, port, client certificate) for the next request;
    /// 0 keeps none (every request then says `Connection: close`).
    public var maxIdleConnectionsPerOrigin = 16
    /// Idle connections kept in all, whatever the origin; a connection returned beyond it is closed.
    public var maxIdleConnections = 256
    /// How long an idle connection is kept: below the 5 s after which common servers (Node.js) close idle
    /// connections, so the pool rarely offers one the provider has already closed.
    public var idleConnectionTimeout: Duration = .seconds(4)

    public init(
        allowPrivateNetworks: Bool = false, allowedNetworks: [IPNetwork]? = nil, timeout: Duration = .seconds(10)
    ) {
        addressPolicy = OutboundAddressPolicy(allowPrivateNetworks: allowPrivateNetworks, allowedNetworks: allowedNetworks)
        self.timeout = timeout
        connectTimeout = min(connectTimeout, timeout)
    }
}
