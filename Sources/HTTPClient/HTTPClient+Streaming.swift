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
        let head = try request.serializedHead(for: url, userAgent: configuration.userAgent, framing: framing)
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
        if let refusal = threads.acquire(tenant: request.tenant) { throw refusal }
        let response = OutboundBody()
        let exchange = StreamingExchange(
            url: url, method: request.method, identity: request.clientCertificate, configuration: limited,
            network: network, tls: tls, head: head, body: body, upload: upload, response: response)
        let (threads, tenant) = (threads, request.tenant)
        let started = DetachedThread.start {
            exchange.run()
            threads.release(tenant: tenant)
        }
        guard started == 0 else {
            threads.release(tenant: tenant)
            throw .connectionFailed
        }
        return try await awaitHead(response, upload: upload, watchdog: limited.timeout + .milliseconds(250))
    }

    /// The head, or the failure; a watchdog answers for a thread stuck where it cannot watch its deadline
    /// (getaddrinfo), and the caller's cancellation abandons the exchange.
    private func awaitHead(
        _ response: OutboundBody, upload: OutboundUpload?, watchdog: Duration
    ) async throws(HTTPClientError) -> OutboundStreamingResponse {
        let timer = Task {
            guard (try? await Task.sleep(for: watchdog)) != nil else { return }
            response.cancellation.cancel()
            response.pieces.close(after: .failed(.timedOut))
        }
        defer { timer.cancel() }
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

/// The blocking side of `HTTPClient.open`, run on a thread of its own: connect, send the head and the body,
/// then read the response and hand it on in pieces.
private struct StreamingExchange: Sendable {
    let url: OutboundURL
    let method: HTTPMethod
    let identity: ClientCertificate?
    let configuration: HTTPClientConfiguration
    let network: OutboundNetwork
    let tls: TLSContextCache
    let head: [UInt8]
    let body: [UInt8]
    let upload: OutboundUpload?
    let response: OutboundBody

    static let readBytes = 64 * 1024

    func run() {
        do {
            try exchange()
        } catch {
            response.pieces.close(after: .failed(error))
        }
        upload?.pieces.close()
    }

    private func exchange() throws(HTTPClientError) {
        let cancellation = response.cancellation
        let connectDeadline = Deadline(after: configuration.timeout, cancellation: cancellation)
        let transport = try HTTPClient.connect(
            url, identity: identity, configuration: configuration, network: network, tls: tls, deadline: connectDeadline)
        try transport.write(head + body, deadline: connectDeadline)
        if let upload { try send(upload, over: transport) }
        var limits = configuration.responseLimits
        limits.maxBodyBytes = .max
        var reader = ResponseStreamReader(limits: limits, requestMethod: method)
        var buffer = [UInt8](repeating: 0, count: Self.readBytes)
        // Until the head, the first deadline still runs; then each read waits the full timeout.
        var deadline = connectDeadline
        var headSeen = false
        while true {
            let count = try transport.read(into: &buffer, deadline: deadline)
            let events = try HTTPClient.parsing { () throws(ResponseParseError) in
                count == 0 ? try reader.finish() : try reader.consume(buffer[0..<count])
            }
            for event in events {
                let piece: OutboundBody.Piece
                switch event {
                case .head(let head, let length):
                    headSeen = true
                    piece = .head(head, contentLength: length)
                case .body(let bytes): piece = .data(bytes)
                case .end: piece = .end
                }
                guard try response.pieces.put(piece, deadline: fresh()) else { throw .cancelled }
                if case .end = piece {
                    response.pieces.close()
                    return
                }
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
