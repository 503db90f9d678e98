import HTTP1
import Synchronization

/// `HTTPClient.open` over a kept plain-HTTP connection, driven from the calling task: the request is written and
/// the answer read on the socket directly, each wait through the injected `OutboundSocketWaiting` (the caller's
/// event loop), so neither the head nor any piece of the body crosses a thread. The rules are the worker path's
/// (`StreamingExchange`): the head within the first deadline, then each read the full timeout again; a reused
/// connection found closed before the answer's first byte is reported stale, so that a replayable request goes
/// again on a new connection; one that ends cleanly and stays open goes back to the pool.
/// One task at a time reads it (`OutboundBody.next` is never called concurrently); `abandon` may come from any.
final class LoopExchange: @unchecked Sendable {
    let cancellation = CancellationFlag()
    private let waiter: any OutboundSocketWaiting
    private let method: HTTPMethod
    private let timeout: Duration
    private let pool: ConnectionPool
    private let origin: ConnectionPool.Origin
    private let isReplayable: Bool
    private let slot: HeldSlot
    // The reading task's own state.
    private var connection: (transport: Transport, socket: Socket)?
    private var reader: ResponseStreamReader
    private var buffer = StreamingReadBytes.buffer()
    /// Body bytes parsed and not yet handed on: at most one read's worth.
    private var queued: [[UInt8]] = []
    private var ended = false
    private var keepsConnection = false

    init(
        reusing transport: Transport, socket: Socket, waiter: any OutboundSocketWaiting, method: HTTPMethod,
        configuration: HTTPClientConfiguration, pool: ConnectionPool, origin: ConnectionPool.Origin,
        isReplayable: Bool, slot: HeldSlot
    ) {
        connection = (transport, socket)
        self.waiter = waiter
        self.method = method
        timeout = configuration.timeout
        self.pool = pool
        self.origin = origin
        self.isReplayable = isReplayable
        self.slot = slot
        var limits = configuration.responseLimits
        limits.maxBodyBytes = .max
        reader = ResponseStreamReader(limits: limits, requestMethod: method)
    }

    /// Sends `request` and reads until the answer's head; nil when the reused connection proved stale first
    /// (then it is closed and the slot returned).
    func open(sending request: [UInt8]) async throws(HTTPClientError) -> (ResponseHead, contentLength: Int?)? {
        guard let socket = connection?.socket else { throw .cancelled }
        let deadline = Deadline(after: timeout, cancellation: cancellation)
        do {
            try await socket.write(request, deadline: deadline, on: waiter)
        } catch where error.mayMeanStaleConnection {
            close()
            return nil
        } catch {
            close()
            throw error
        }
        var anyByte = false
        while true {
            let count: Int
            do {
                count = try await socket.read(into: &buffer, deadline: deadline, on: waiter, waitFirst: !anyByte)
            } catch where !anyByte && isReplayable && error.mayMeanStaleConnection {
                close()
                return nil
            } catch {
                close()
                throw error
            }
            if count == 0 && !anyByte && isReplayable {
                close()
                return nil
            }
            anyByte = true
            if let head = try take(count) { return head }
        }
    }

    /// The body's next piece; nil at its end. Once abandoned, nothing more: the call fails as cancelled.
    func next() async throws(HTTPClientError) -> [UInt8]? {
        while true {
            if cancellation.isCancelled {
                close()
                throw .cancelled
            }
            if !queued.isEmpty { return queued.removeFirst() }
            if ended { return nil }
            guard let socket = connection?.socket else { throw .cancelled }
            let count: Int
            do {
                count = try await socket.read(
                    into: &buffer, deadline: Deadline(after: timeout, cancellation: cancellation), on: waiter)
            } catch {
                close()
                throw error
            }
            _ = try take(count)
        }
    }

    /// The whole body when its end has already been read (a short answer that came with its head), once.
    func takeWhole() -> [UInt8]? {
        guard ended else { return nil }
        defer { queued = [] }
        return queued.count == 1 ? queued[0] : Array(queued.joined())
    }

    /// The caller reads no more: its slot is returned now, and the connection closes when the reading task
    /// next looks (or when the exchange is released), never under a wait in progress.
    func abandon() {
        cancellation.cancel()
        slot.release()
    }

    /// Parses `count` bytes just read (0: the peer closed) into queued body pieces; the head, when they
    /// completed it. At the end the connection goes back to the pool when it can carry another exchange.
    private func take(_ count: Int) throws(HTTPClientError) -> (ResponseHead, contentLength: Int?)? {
        let events: [ResponseStreamReader.Event]
        do {
            events = try HTTPClient.parsing { () throws(ResponseParseError) in
                count == 0 ? try reader.finish() : try reader.consume(buffer[0..<count])
            }
        } catch {
            close()
            throw error
        }
        var head: (ResponseHead, contentLength: Int?)?
        for event in events {
            switch event {
            case .head(let answered, let length):
                head = (answered, length)
                keepsConnection = answered.keepsConnection
            case .body(let bytes):
                queued.append(bytes)
            case .end:
                ended = true
                if let connection, !cancellation.isCancelled {
                    pool.keepIfReusable(
                        connection.transport, for: origin, endedWithBytes: count > 0, keepsConnection: keepsConnection,
                        hasSurplus: reader.hasSurplus)
                }
                close()
            }
        }
        return head
    }

    /// Drops the connection (closed unless the pool now holds it) and returns the slot.
    private func close() {
        connection = nil
        slot.release()
    }
}

/// One slot of a `ThreadBudget`, returned exactly once by whichever comes first: the end, a failure, the
/// caller abandoning the body, or the holder's release.
final class HeldSlot: Sendable {
    private let budget: ThreadBudget
    private let tenant: String?
    private let held = Atomic<Bool>(true)

    init(_ budget: ThreadBudget, tenant: String?) {
        self.budget = budget
        self.tenant = tenant
    }

    deinit { release() }

    func release() {
        guard held.exchange(false, ordering: .acquiringAndReleasing) else { return }
        budget.release(tenant: tenant)
    }
}

/// The buffer each read of a streamed answer goes into, on either path.
enum StreamingReadBytes {
    static let perRead = 64 * 1024

    /// Left uninitialised: a read writes its bytes before anything reads them, and zeroing 64 KiB is work every
    /// exchange would pay for nothing.
    static func buffer() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: perRead) { $1 = $0.count }
    }
}

extension HTTPClientError {
    /// A failure a connection closed while idle produces (not the deadline's or the caller's).
    var mayMeanStaleConnection: Bool {
        switch self {
        case .timedOut, .cancelled: false
        default: true
        }
    }
}
