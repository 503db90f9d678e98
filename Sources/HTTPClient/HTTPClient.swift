import HTTP1
import Glibc
import Locking
import TraceContext

/// An HTTP/1.1 client for calls to third-party endpoints that users name (OAuth token URLs), built so that it
/// cannot be turned against us: every resolved address passes the SSRF guard before any connection, the checked
/// address is the one connected to, redirects are never followed, and time and size are bounded.
/// `send` makes one request per connection (`Connection: close`); `open` keeps a connection whose response was
/// read to its end for the next request to the same origin (`ConnectionPool`).
public struct HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    let tls: TLSContextCache
    let threads: ThreadBudget
    let network: OutboundNetwork
    let pool: ConnectionPool
    let socketWaiter: (any OutboundSocketWaiting)?

    /// `network` resolves and connects; the system's unless a test observes the calls instead. With
    /// `socketWaiter`, a request over a kept plain-HTTP connection runs on the calling task's thread when the
    /// waiter serves it (`LoopExchange`); every other request runs on a worker thread.
    public init(
        configuration: HTTPClientConfiguration = .init(), network: OutboundNetwork = .system,
        socketWaiter: (any OutboundSocketWaiting)? = nil
    ) {
        self.configuration = configuration
        self.network = network
        self.socketWaiter = socketWaiter
        tls = TLSContextCache(additionalTrustedCAFile: configuration.additionalTrustedCAFile)
        threads = ThreadBudget(
            limit: configuration.maxConcurrentRequests, perTenantLimit: configuration.maxConcurrentRequestsPerTenant)
        pool = ConnectionPool(
            maxIdlePerOrigin: configuration.maxIdleConnectionsPerOrigin, maxIdleTotal: configuration.maxIdleConnections,
            idleTimeout: configuration.idleConnectionTimeout)
        _ = ignoreSIGPIPE
    }

    /// Connections `open` has opened, and how many times it sent a request over an idle one instead.
    public var connectionCounts: (opened: Int, reused: Int) { pool.counts }

    /// How many of the reused connections carried their exchange on the calling task's event loop.
    public var reusedOnCallingLoop: Int { pool.reusedOnCallingLoop }

    /// `request` as a child span of the trace under way (`RequestTrace.current`), if any: its own `traceparent`
    /// (and the trace's `tracestate`), replacing any the request carried.
    static func traced(_ request: OutboundRequest) -> OutboundRequest {
        guard let trace = RequestTrace.current else { return request }
        var request = request
        spanRandomness.withLock { trace.child(using: &$0) }.stamp(&request.headers)
        return request
    }

    /// Span ids for outbound calls, from buffered kernel randomness: a getrandom call per call cost more than
    /// the lock.
    private static let spanRandomness = Locked(RandomBytes())

    /// Sends `request` and returns the final response, whatever its status. `timeLimit`, when sooner than the
    /// configured timeout, bounds the call instead (the caller's own deadline). Within a trace
    /// (`RequestTrace.current`) the call goes as a child span of it: its own `traceparent`, replacing any the
    /// request carried.
    public func send(_ request: OutboundRequest, timeLimit: Duration? = nil) async throws(HTTPClientError) -> OutboundResponse {
        let request = Self.traced(request)
        let url = try OutboundURL(parsing: request.url)
        let bytes = try request.serialized(for: url, userAgent: configuration.userAgent)
        if Task.isCancelled { throw .cancelled }
        var limited = configuration
        if let timeLimit, timeLimit < limited.timeout {
            limited.timeout = max(timeLimit, .zero)
            limited.connectTimeout = min(limited.connectTimeout, limited.timeout)
        }
        let configuration = limited
        let tls = tls
        let network = network
        let method = request.method
        let identity = request.clientCertificate
        guard identity == nil || url.scheme == .https else { throw .invalidRequest("a client certificate needs an https URL") }
        let watchdog = configuration.timeout + .milliseconds(250)
        return try await BlockingThread.run(timeLimit: watchdog, budget: threads, tenant: request.tenant) { cancellation in
            Result { () throws(HTTPClientError) in
                let deadline = Deadline(after: configuration.timeout, cancellation: cancellation)
                return try Self.exchange(
                    bytes, method: method, url: url, identity: identity, configuration: configuration, network: network,
                    tls: tls, deadline: deadline)
            }
        }.get()
    }

    /// The blocking part: resolve, check, connect, send, read.
    private static func exchange(
        _ bytes: [UInt8], method: HTTPMethod, url: OutboundURL, identity: ClientCertificate?,
        configuration: HTTPClientConfiguration,
        network: OutboundNetwork, tls: TLSContextCache, deadline: Deadline
    ) throws(HTTPClientError) -> OutboundResponse {
        let transport = try connect(
            url, identity: identity, configuration: configuration, network: network, tls: tls, deadline: deadline)
        try transport.write(bytes, deadline: deadline)
        var parser = ResponseParser(limits: configuration.responseLimits, requestMethod: method)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var received = 0
        while true {
            let count = try transport.read(into: &buffer, deadline: deadline)
            guard count > 0 else {  // the peer closed: complete only if the body was close-delimited
                return OutboundResponse(try parsing { () throws(ResponseParseError) in try parser.finish() })
            }
            received += count
            guard received <= configuration.maxResponseBytes else { throw .responseTooLarge }
            let progress = try parsing { () throws(ResponseParseError) in try parser.consume(Array(buffer[0..<count])) }
            if case .complete(let response) = progress { return OutboundResponse(response) }
        }
    }

    /// Resolves, checks every address against the policy, connects to a checked one (and shakes hands for https).
    static func connect(
        _ url: OutboundURL, identity: ClientCertificate?, configuration: HTTPClientConfiguration,
        network: OutboundNetwork, tls: TLSContextCache, deadline: Deadline
    ) throws(HTTPClientError) -> Transport {
        let resolved = try network.resolve(url.host)
        if let refusal = configuration.addressPolicy.refusal(forAny: resolved) { throw .refused(refusal) }
        _ = try deadline.nextWaitMilliseconds()  // resolution cannot be interrupted; give up now if it overran
        return try Transport.open(
            url, addresses: resolved.map { ResolvedAddress($0, port: url.port) }, network: network, tls: tls.context,
            identity: identity.map { ($0, configuration.additionalTrustedCAFile) }, connectTimeout: configuration.connectTimeout,
            deadline: deadline)
    }

    static func parsing<T>(_ step: () throws(ResponseParseError) -> T) throws(HTTPClientError) -> T {
        do {
            return try step()
        } catch .bodyTooLarge {
            throw .responseTooLarge
        } catch {
            throw .malformedResponse(error)
        }
    }
}

extension OutboundResponse {
    init(_ response: ParsedResponse) {
        self.init(status: response.head.status, headers: response.head.headers, body: response.body)
    }
}

/// Writing to a socket the peer has closed must fail with EPIPE, not kill the process (OpenSSL writes with write(2)).
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// The SSL_CTX, made on the first https request (loading the CA store costs milliseconds) and then shared.
final class TLSContextCache: Sendable {
    private let additionalTrustedCAFile: String?
    private let cached = Locked<TLSContext?>(nil)

    init(additionalTrustedCAFile: String?) { self.additionalTrustedCAFile = additionalTrustedCAFile }

    func context() throws(HTTPClientError) -> TLSContext {
        try cached.withLock { (cached: inout TLSContext?) throws(HTTPClientError) -> TLSContext in
            if let cached { return cached }
            let context = try TLSContext(additionalTrustedCAFile: additionalTrustedCAFile)
            cached = context
            return context
        }
    }
}
