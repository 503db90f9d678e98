import HTTP1
import Locking

extension HTTPClient {
    /// Sends `request` (its body from `upload` when given, else `request.body`) and returns as soon as the
    /// response's head has arrived; the body follows through `OutboundStreamingResponse.body`. The same rules
    /// as `send`: the address policy, no redirects followed, the trace's child span, the tenant's concurrency
    /// slot (held until the body ends or is abandoned). The head must come within the timeout (or `timeLimit`,
    /// when sooner); after it, every wait for the upload's next piece or the body's next bytes gets the full
    /// timeout again, so a large body may take as long as it keeps moving. The body has no size limit: the
    /// consumer bounds what it holds.
    public func open(
        _ request: OutboundRequest, upload: OutboundUpload? = nil, timeLimit: Duration? = nil
    ) async throws(HTTPClientError) -> OutboundStreamingResponse {
        let request = Self.traced(request)
        let url = try OutboundURL(parsing: request.url)
        let framing: String
        if let upload {
            framing = upload.length.map { "Content-Length: \($0)\r\n" } ?? "Transfer-Encoding: chunked\r\n"
        } else {
            let framed = !request.body.isEmpty || [.POST, .PUT, .PATCH].contains(request.method)
            framing = framed ? "Content-Length: \(request.body.count)\r\n" : ""
        }
        let head = try request.serializedHead(
            for: url, userAgent: configuration.userAgent, framing: framing, keepAlive: pool.isEnabled)
        let body = upload == nil ? request.body : []
        if Task.isCancelled { throw .cancelled }
        guard request.clientCertificate == nil || url.scheme == .https else {
            throw .invalidRequest("a client certificate needs an https URL")
        }
        var limited = configuration
        if let timeLimit, timeLimit < limited.timeout {
            limited.timeout = max(timeLimit, .zero)
            limited.connectTimeout = min(limited.connectTimeout, limited.timeout)
        }
        let isReplayable = Self.isReplayable(request)
        var mayReuse = true
        if upload == nil, url.scheme == .http, pool.isEnabled, let waiter = socketWaiter, waiter.canWaitOnCallingThread {
            if let response = try await openOnCallingLoop(
                url, method: request.method, tenant: request.tenant, sending: body.isEmpty ? head : head + body,
                configuration: limited, waiter: waiter, isReplayable: isReplayable)
            {
                return response
            }
            mayReuse = false  // none was idle, or the one taken was stale: a new connection, on a worker thread
        }
        if let refusal = threads.acquire(tenant: request.tenant) { throw refusal }
        let response = OutboundBody()
        let exchange = StreamingExchange(
            url: url, method: request.method, identity: request.clientCertificate, configuration: limited,
            network: network, tls: tls, pool: pool, head: head, body: body, upload: upload, response: response,
            isReplayable: isReplayable, mayReuse: mayReuse)
        let (threads, tenant) = (threads, request.tenant)
        let started = WorkerThreads.shared.start {
            exchange.run()
            threads.release(tenant: tenant)
        }
        guard started == 0 else {
            threads.release(tenant: tenant)
            throw .connectionFailed
        }
        return try await awaitHead(response, upload: upload, watchdog: limited.timeout + .milliseconds(250))
    }

    /// The exchange over an idle kept connection to `url`'s origin, driven from the calling task (`LoopExchange`);
    /// nil when none is idle or the one taken proved stale before the answer's first byte.
    private func openOnCallingLoop(
        _ url: OutboundURL, method: HTTPMethod, tenant: String?, sending request: [UInt8],
        configuration: HTTPClientConfiguration, waiter: any OutboundSocketWaiting, isReplayable: Bool
    ) async throws(HTTPClientError) -> OutboundStreamingResponse? {
        // The slot first: a refused call must not have taken (and so closed) a kept connection.
        if let refusal = threads.acquire(tenant: tenant) { throw refusal }
        let slot = HeldSlot(threads, tenant: tenant)
        let origin = ConnectionPool.Origin(url, identity: nil)
        guard let idle = pool.take(origin, onCallingLoop: true), case .plain(let socket) = idle else {
            slot.release()
            return nil
        }
        let exchange = LoopExchange(
            reusing: idle, socket: socket, waiter: waiter, method: method, configuration: configuration, pool: pool,
            origin: origin, isReplayable: isReplayable, slot: slot)
        let opened: Result<(ResponseHead, contentLength: Int?)?, HTTPClientError> = await withTaskCancellationHandler {
            do throws(HTTPClientError) {
                return .success(try await exchange.open(sending: request))
            } catch {
                return .failure(error)
            }
        } onCancel: {
            exchange.cancellation.cancel()
        }
        guard let head = try opened.get() else { return nil }
        return OutboundStreamingResponse(
            status: head.0.status, headers: head.0.headers, contentLength: head.contentLength,
            body: OutboundBody(loop: exchange))
    }

    /// Whether a request may be sent again after a reused connection failed before the answer's first byte:
    /// the server may have acted on it before closing. Only methods without side effects, or a request that
    /// carries its own `Idempotency-Key`, as Go's `net/http` decides: a POST to a payments API is never sent twice.
    static func isReplayable(_ request: OutboundRequest) -> Bool {
        [.GET, .HEAD, .OPTIONS, HTTPMethod(rawValue: "TRACE")].contains(request.method)
            || request.headers.contains("Idempotency-Key") || request.headers.contains("X-Idempotency-Key")
    }

    /// The head, or the failure; a watchdog answers for a thread stuck where it cannot watch its deadline
    /// (getaddrinfo), and the caller's cancellation abandons the exchange.
    private func awaitHead(
        _ response: OutboundBody, upload: OutboundUpload?, watchdog: Duration
    ) async throws(HTTPClientError) -> OutboundStreamingResponse {
        let alarm = Watchdog.shared.arm(after: watchdog) {
            response.cancellation.cancel()
            response.pieces.close(after: .failed(.timedOut))
        }
        defer { Watchdog.shared.disarm(alarm) }
        let first = await withTaskCancellationHandler {
            await response.pieces.take()
        } onCancel: {
            response.cancellation.cancel()
            response.pieces.close(after: .failed(.cancelled))
        }
        switch first {
        case .head(let head, let length):
            return OutboundStreamingResponse(
                status: head.status, headers: head.headers, contentLength: length, body: response)
        case .failed(let error):
            response.abandon()
            upload?.fail()
            throw error
        case .data, .end, nil:
            response.abandon()
            upload?.fail()
            throw .cancelled
        }
    }
}

/// The blocking side of `HTTPClient.open`, run on a worker thread: connect (or reuse an idle connection), send
/// the head and the body, then read the response and hand it on in pieces.
private struct StreamingExchange: Sendable {
    let url: OutboundURL
    let method: HTTPMethod
    let identity: ClientCertificate?
    let configuration: HTTPClientConfiguration
    let network: OutboundNetwork
    let tls: TLSContextCache
    let pool: ConnectionPool
    let head: [UInt8]
    let body: [UInt8]
    let upload: OutboundUpload?
    let response: OutboundBody
    /// Whether a stale reused connection's failure after the request went out may be answered by sending it
    /// again (`HTTPClient.isReplayable`); a failure while writing it always may, since nothing was taken.
    let isReplayable: Bool
    /// False after a kept connection proved stale on the calling loop: this attempt connects anew.
    let mayReuse: Bool

    func run() {
        do {
            try exchange()
        } catch {
            response.pieces.close(after: .failed(error))
        }
        upload?.pieces.close()
    }

    /// How one attempt over a connection ended: the response was handed on (or failed for good), or a reused
    /// connection turned out closed before the response's first byte, so the request may go again on a new one.
    private enum Attempt { case finished, staleConnection }

    /// A reused idle connection first, when the request can be sent again (its body is in hand, not streamed);
    /// a new one, through the address policy, when none is idle or the reused one proves stale.
    private func exchange() throws(HTTPClientError) {
        let deadline = Deadline(after: configuration.timeout, cancellation: response.cancellation)
        let origin = ConnectionPool.Origin(url, identity: identity)
        if mayReuse, upload == nil, pool.isEnabled, let idle = pool.take(origin) {
            guard case .staleConnection = try attempt(over: idle, reused: true, origin: origin, deadline: deadline) else {
                return
            }
        }
        let transport = try HTTPClient.connect(
            url, identity: identity, configuration: configuration, network: network, tls: tls, deadline: deadline)
        pool.countOpened()
        _ = try attempt(over: transport, reused: false, origin: origin, deadline: deadline)
    }

    /// Sends the request over `transport` and hands the response on; a connection whose response ended cleanly
    /// and that the server keeps open goes back to the pool before the end is handed on, so the caller's next
    /// request finds it.
    private func attempt(
        over transport: Transport, reused: Bool, origin: ConnectionPool.Origin, deadline connectDeadline: Deadline
    ) throws(HTTPClientError) -> Attempt {
        do {
            try transport.write(head + body, deadline: connectDeadline)
        } catch where reused && error.mayMeanStaleConnection {
            return .staleConnection
        }
        if let upload { try send(upload, over: transport) }
        var limits = configuration.responseLimits
        limits.maxBodyBytes = .max
        var reader = ResponseStreamReader(limits: limits, requestMethod: method)
        var buffer = StreamingReadBytes.buffer()
        // Until the head, the first deadline still runs; then each read waits the full timeout.
        var deadline = connectDeadline
        var headSeen = false
        var anyByte = false
        var keepsConnection = false
        while true {
            let count: Int
            do {
                count = try transport.read(into: &buffer, deadline: deadline)
            } catch where reused && !anyByte && isReplayable && error.mayMeanStaleConnection {
                return .staleConnection
            }
            if count == 0 && reused && !anyByte && isReplayable { return .staleConnection }
            anyByte = true
            let events = try HTTPClient.parsing { () throws(ResponseParseError) in
                count == 0 ? try reader.finish() : try reader.consume(buffer[0..<count])
            }
            for event in events {
                let piece: OutboundBody.Piece
                switch event {
                case .head(let head, let length):
                    headSeen = true
                    keepsConnection = head.keepsConnection
                    piece = .head(head, contentLength: length)
                case .body(let bytes): piece = .data(bytes)
                case .end: piece = .end
                }
                if case .end = piece {
                    pool.keepIfReusable(
                        transport, for: origin, endedWithBytes: count > 0, keepsConnection: keepsConnection,
                        hasSurplus: reader.hasSurplus)
                    _ = try response.pieces.put(piece, deadline: fresh())
                    response.pieces.close()
                    return .finished
                }
                guard try response.pieces.put(piece, deadline: fresh()) else { throw .cancelled }
            }
            if headSeen { deadline = fresh() }
        }
    }

    /// Writes the upload as its pieces come, chunk-framed when it has no declared length; a declared length
    /// must be met exactly.
    private func send(_ upload: OutboundUpload, over transport: Transport) throws(HTTPClientError) {
        var sent = 0
        while true {
            guard let piece = try upload.pieces.take(deadline: fresh()) else { throw .cancelled }
            switch piece {
            case .data(let bytes):
                sent += bytes.count
                if let length = upload.length, sent > length { throw .invalidRequest("the body exceeds its Content-Length") }
                let framed = upload.length == nil ? ChunkFraming.chunk(bytes) : bytes
                try transport.write(framed, deadline: fresh())
            case .end:
                if let length = upload.length {
                    guard sent == length else { throw .invalidRequest("the body is shorter than its Content-Length") }
                } else {
                    try transport.write(ChunkFraming.last, deadline: fresh())
                }
                return
            }
        }
    }

    private func fresh() -> Deadline { Deadline(after: configuration.timeout, cancellation: response.cancellation) }
}
