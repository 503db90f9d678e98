public import HTTP1

/// A response whose head has arrived and whose body is read piece by piece (`HTTPClient.open`). The connection
/// and the caller's concurrency slot are held until the body ends, fails, or is abandoned: a caller that stops
/// reading must call `body.abandon()`.
public struct OutboundStreamingResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HeaderFields
    /// The body's length when the framing says it (Content-Length; for a HEAD, the length declared); nil when
    /// chunked or close-delimited.
    public var contentLength: Int?
    public let body: OutboundBody
}

/// The body of an `OutboundStreamingResponse`, in the pieces the connection delivered them (at most 64 KiB each).
public final class OutboundBody: Sendable {
    enum Piece: Sendable {
        case head(ResponseHead, contentLength: Int?)
        case data([UInt8])
        case end
        case failed(HTTPClientError)
    }

    /// Pieces read ahead of the consumer: with 64 KiB reads, at most 256 KiB per response.
    static let readAhead = 4
    let cancellation: CancellationFlag
    private let source: Source

    /// Where the pieces come from: handed over from a worker thread that owns the connection, or read by the
    /// calling task on its event loop (then no queue, lock or condition is made at all).
    private enum Source: Sendable {
        case worker(HandOff<Piece>)
        case loop(LoopExchange)
    }

    init() {
        source = .worker(HandOff<Piece>(capacity: Self.readAhead))
        cancellation = CancellationFlag()
    }

    init(loop: LoopExchange) {
        source = .loop(loop)
        cancellation = loop.cancellation
    }

    /// The queue the worker thread fills; a body read on the event loop has none.
    var pieces: HandOff<Piece> {
        guard case .worker(let pieces) = source else { preconditionFailure("a body read on its event loop has no queue") }
        return pieces
    }

    /// The next piece; nil once the body ended. Throws when the connection failed or timed out mid-body.
    public func next() async throws(HTTPClientError) -> [UInt8]? {
        switch source {
        case .loop(let loop):
            return try await loop.next()
        case .worker(let pieces):
            switch await pieces.take() {
            case .data(let bytes): return bytes
            case .end: return nil
            case .failed(let error): throw error
            case .head, nil: throw .cancelled
            }
        }
    }

    /// The whole body, when it had already arrived with the head (a short answer read on the caller's event
    /// loop), instead of reading it with `next`; nil otherwise. Answers it at most once.
    public func takeWhole() -> [UInt8]? {
        guard case .loop(let loop) = source else { return nil }
        return loop.takeWhole()
    }

    /// Stops reading: the connection closes and its slot is returned.
    public func abandon() {
        cancellation.cancel()
        switch source {
        case .worker(let pieces): pieces.close()
        case .loop(let loop): loop.abandon()
        }
    }
}

/// A request body sent as it is produced (`HTTPClient.open(_:upload:)`): with `length` the request says
/// Content-Length and exactly that many bytes must follow, without it the body goes out chunked.
public final class OutboundUpload: Sendable {
    enum Piece: Sendable { case data([UInt8]), end }

    public let length: Int?
    static let queued = 4
    let pieces = HandOff<Piece>(capacity: queued)

    public init(length: Int?) { self.length = length }

    /// Queues `bytes`, waiting while the connection is behind; false once the exchange has ended or failed
    /// (nothing more is wanted).
    public func write(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty else { return true }
        return await pieces.put(.data(bytes))
    }

    /// The body is complete.
    public func finish() async { _ = await pieces.put(.end) }

    /// The body cannot be completed (its source failed): the exchange fails instead of sending a short body.
    public func fail() { pieces.close() }
}
