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
    let pieces = HandOff<Piece>(capacity: readAhead)
    let cancellation: CancellationFlag
    /// The exchange the calling task drives itself, when the body is read on its event loop rather than handed
    /// over from a worker thread through `pieces`.
    private let loop: LoopExchange?

    init(loop: LoopExchange? = nil) {
        self.loop = loop
        cancellation = loop?.cancellation ?? CancellationFlag()
    }

    /// The next piece; nil once the body ended. Throws when the connection failed or timed out mid-body.
    public func next() async throws(HTTPClientError) -> [UInt8]? {
        if let loop { return try await loop.next() }
        switch await pieces.take() {
        case .data(let bytes): return bytes
        case .end: return nil
        case .failed(let error): throw error
        case .head, nil: throw .cancelled
        }
    }

    /// The whole body, when it had already arrived with the head (a short answer read on the caller's event
    /// loop), instead of reading it with `next`; nil otherwise. Answers it at most once.
    public func takeWhole() -> [UInt8]? { loop?.takeWhole() }

    /// Stops reading: the connection closes and its slot is returned.
    public func abandon() {
        cancellation.cancel()
        pieces.close()
        loop?.abandon()
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
