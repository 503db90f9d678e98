import HTTP1
import TraceContext

/// Everything the loop keeps about one connection. Confined to its event loop's thread.
final class ClientConnection {
    typealias Lifecycle = ConnectionLifecycle<ContinuousClock.Instant>

    let id: UInt64
    let fd: Int32
    /// False for connections accepted beyond `maxConnections` only to be told 503.
    let holdsSlot: Bool
    var lifecycle: Lifecycle
    var parser: RequestParser
    var chunked: ChunkedDecoder

    /// Received bytes; those before `readIndex` are consumed. Bounded because nothing is read while a
    /// request is being handled, and the parser caps what a head may take.
    var buffer: [UInt8] = []
    var readIndex = 0

    var head: RequestHead?
    /// The head as the responder sees it, made once for screening the body and reused for dispatch.
    var request: Request?
    var framing: BodyFraming = .none
    var body: [UInt8] = []
    /// Body bytes consumed so far, whether kept or dropped.
    var bodyReceived = 0
    /// The route takes no body: its bytes are dropped as they arrive (`BodyScreening.discard`).
    var discardsBody = false
    /// The most a wanted body may hold (the route's limit within the parser's).
    var bodyLimit = 0
    /// Bytes this connection has reserved in the `BodyBudget` and not yet handed on or returned.
    var heldBodyBytes = 0
    var requestID = ""
    /// The request's trace: the caller's continued when its `traceparent` was valid, else a new one.
    var trace: RequestTrace?
    var requestStarted: ContinuousClock.Instant
    var response: Response?
    /// Why the request was refused, for the error body.
    var errorMessage: String?

    /// Queued output (head, body, 100 Continue), written in order; `writeOffset` is into the first.
    var pendingWrites: [[UInt8]] = []
    var writeOffset = 0
    /// The request body being handed on as it arrives (`BodyScreening.stream`), and whether reading waits for
    /// its consumer to make room.
    var bodyStream: RequestBodyStream?
    var bodyStreamPaused = false
    var wantsStreamedBody: Bool { bodyStream.map { !bodyStreamPaused && !$0.isEnded } ?? false }
    /// The response body being streamed, once its head is queued (`ResponseStream`).
    var streaming: StreamingWrite?

    /// Edge-triggered epoll: whether the socket may still hold unread bytes.
    var maybeReadable = true
    /// The peer signalled a half-close: keep reading until EOF instead of trusting short reads.
    var sawHangup = false
    /// After the last response on a closing connection: discard input until EOF or this deadline.
    var lingerDeadline: ContinuousClock.Instant?
    /// The last response said `Connection: close`: linger after it rather than reset.
    var lingerAfterClose = false

    init(id: UInt64, fd: Int32, holdsSlot: Bool, timeouts: Lifecycle.Timeouts, limits: ParserLimits,
         now: ContinuousClock.Instant) {
        self.id = id
        self.fd = fd
        self.holdsSlot = holdsSlot
        self.lifecycle = Lifecycle(timeouts: timeouts, now: now)
        self.parser = RequestParser(limits: limits)
        self.chunked = ChunkedDecoder(limits: limits)
        self.requestStarted = now
    }

    var hasUnreadBytes: Bool { readIndex < buffer.count }

    /// Drops consumed bytes; releases the storage of a large buffer once it is empty.
    func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 4096)
            readIndex = 0
        } else if readIndex > 0 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// Frees what was read and not consumed, storage too: the connection closes without reading on.
    func releaseReadBuffer() {
        buffer = []
        readIndex = 0
    }

    /// Clears per-request state once its response is queued; `heldBodyBytes` must have been returned first.
    func finishRequest() {
        head = nil
        request = nil
        framing = .none
        body = []
        bodyReceived = 0
        discardsBody = false
        bodyLimit = 0
        response = nil
        errorMessage = nil
        bodyStream = nil
        bodyStreamPaused = false
        chunked = ChunkedDecoder(limits: parser.limits)
        parser.reset()
    }
}
