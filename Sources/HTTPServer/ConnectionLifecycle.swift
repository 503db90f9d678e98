public import HTTP1

/// The life of one connection as a pure state machine: the event loop reports events, the machine answers with
/// the next action. It owns keep-alive, the timeouts and graceful shutdown; it never touches a socket,
/// and time comes in with each event so tests drive it with any `InstantProtocol`.
public struct ConnectionLifecycle<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public struct Timeouts: Sendable {
        public var headerRead: Duration
        public var bodyRead: Duration
        public var idle: Duration
        /// How long a wanted body waits for room in the `BodyBudget` before it is refused with 503.
        public var bodyBudgetWait: Duration
        public init(headerRead: Duration, bodyRead: Duration, idle: Duration, bodyBudgetWait: Duration = .seconds(1)) {
            self.headerRead = headerRead
            self.bodyRead = bodyRead
            self.idle = idle
            self.bodyBudgetWait = bodyBudgetWait
        }
    }

    public enum State: Sendable, Equatable {
        /// Waiting for a complete head; `bytesSeen` tells a silent connection from a slow one.
        case awaitingHead(since: Instant, bytesSeen: Bool)
        /// The responder checks the head (credentials) before the body is wanted; nothing is read meanwhile.
        case admittingBody
        /// The body is wanted but the `BodyBudget` has no room for it yet; nothing is read meanwhile.
        case awaitingBodyBudget(since: Instant)
        case readingBody(since: Instant)
        /// The responder is working; nothing is read meanwhile (pipelined bytes stay buffered).
        case handling
        case writing
        /// Between keep-alive requests, nothing buffered.
        case idle(since: Instant)
        case closed
    }

    public enum Action: Sendable, Equatable {
        case none
        /// Try to parse a head from the buffered bytes.
        case parse
        /// Ask the responder, in a task, whether the body is wanted (`Responder.admitBody`).
        case admitBody
        /// Reserve the body's bytes in the `BodyBudget`; on success report `bodyReserved`.
        case reserveBody
        /// Feed buffered bytes to the body reader.
        case readBody
        /// Hand the complete request to the responder.
        case dispatch
        /// Write the response; add `Connection: close` and close afterwards when `closeAfter`.
        case write(closeAfter: Bool)
        /// Answer with this error status, then close.
        case writeError(HTTPStatus)
        /// Answer 503 for want of room in the `BodyBudget`, then close.
        case refuseForBodyBudget
        /// Close now, without a word.
        case close
    }

    public private(set) var state: State
    public private(set) var keepAlive = true
    public private(set) var shuttingDown = false
    /// Last time output moved while writing; a peer that stops reading for `idle` is dropped.
    public private(set) var lastWriteProgress: Instant?
    public let timeouts: Timeouts

    public init(timeouts: Timeouts, now: Instant) {
        self.timeouts = timeouts
        self.state = .awaitingHead(since: now, bytesSeen: false)
    }

    /// When `timerFired` should next be called, if any timer runs in this state.
    public var deadline: Instant? {
        switch state {
        case .awaitingHead(let since, _): since.advanced(by: timeouts.headerRead)
        case .awaitingBodyBudget(let since): since.advanced(by: timeouts.bodyBudgetWait)
        case .readingBody(let since): since.advanced(by: timeouts.bodyRead)
        case .idle(let since): since.advanced(by: timeouts.idle)
        case .writing: lastWriteProgress?.advanced(by: timeouts.idle)
        case .handling, .admittingBody, .closed: nil
        }
    }

    /// Whether a wanted body is being read (reads may then be large).
    public var isReadingBody: Bool {
        if case .readingBody = state { return true }
        return false
    }

    /// Whether the loop should read from the socket now.
    public var wantsInput: Bool {
        switch state {
        case .awaitingHead, .readingBody, .idle: true
        case .admittingBody, .awaitingBodyBudget, .handling, .writing, .closed: false
        }
    }

    public mutating func bytesArrived(now: Instant) -> Action {
        switch state {
        case .idle: state = .awaitingHead(since: now, bytesSeen: true); return .parse
        case .awaitingHead(let since, _): state = .awaitingHead(since: since, bytesSeen: true); return .parse
        case .readingBody: return .readBody
        case .admittingBody, .awaitingBodyBudget, .handling, .writing, .closed: return .none
        }
    }

    /// A head whose body (if any) is wanted: a body waits for room in the budget first.
    public mutating func headParsed(keepAlive: Bool, hasBody: Bool, now: Instant) -> Action {
        guard case .awaitingHead = state else { return .none }
        self.keepAlive = keepAlive && !shuttingDown
        if hasBody {
            state = .awaitingBodyBudget(since: now)
            return .reserveBody
        }
        state = .handling
        return .dispatch
    }

    /// A head whose body is wanted only if the responder's checks that suspend pass.
    public mutating func headNeedsAdmission(keepAlive: Bool) -> Action {
        guard case .awaitingHead = state else { return .none }
        self.keepAlive = keepAlive && !shuttingDown
        state = .admittingBody
        return .admitBody
    }

    /// The responder wants the body: it waits for room in the budget.
    public mutating func bodyAdmitted(now: Instant) -> Action {
        guard case .admittingBody = state else { return .none }
        state = .awaitingBodyBudget(since: now)
        return .reserveBody
    }

    /// The budget holds the body's bytes: read it, with the body timeout running from now.
    public mutating func bodyReserved(now: Instant) -> Action {
        guard case .awaitingBodyBudget = state else { return .none }
        state = .readingBody(since: now)
        return .readBody
    }

    /// The responder refused the request on its head (before or after admission) and its response is ready.
    /// `keepAlive` is false unless the whole body had arrived and was dropped: unread body bytes are never
    /// taken for the next request.
    public mutating func headRefused(keepAlive: Bool) -> Action {
        switch state {
        case .awaitingHead, .admittingBody: break
        default: return .none
        }
        self.keepAlive = keepAlive && !shuttingDown
        state = .writing
        return .write(closeAfter: !self.keepAlive)
    }

    public mutating func bodyCompleted() -> Action {
        guard case .readingBody = state else { return .none }
        state = .handling
        return .dispatch
    }

    public mutating func responseReady() -> Action {
        guard case .handling = state else { return .none }
        state = .writing
        if shuttingDown { keepAlive = false }
        return .write(closeAfter: !keepAlive)
    }

    public mutating func protocolError(_ status: HTTPStatus) -> Action {
        keepAlive = false
        switch state {
        case .awaitingHead, .admittingBody, .awaitingBodyBudget, .readingBody, .idle:
            state = .writing
            return .writeError(status)
        case .handling, .writing, .closed:
            state = .closed
            return .close
        }
    }

    /// The response's end is the connection's end (a close-delimited body): no keep-alive after it.
    public mutating func closeAfterWriting() {
        keepAlive = false
    }

    /// Bytes left the socket (or a write started): the stalled-reader timer restarts.
    public mutating func writeProgressed(now: Instant) {
        lastWriteProgress = now
    }

    public mutating func writeCompleted(now: Instant, hasBufferedBytes: Bool) -> Action {
        guard case .writing = state else { return .none }
        guard keepAlive else {
            state = .closed
            return .close
        }
        if hasBufferedBytes {
            state = .awaitingHead(since: now, bytesSeen: true)
            return .parse
        }
        state = .idle(since: now)
        lastWriteProgress = nil
        return .none
    }

    /// The peer closed its side. A response already in the works is still written (half-close), then we close.
    public mutating func peerClosed() -> Action {
        switch state {
        case .handling, .writing, .admittingBody:
            keepAlive = false
            return .none
        case .closed:
            return .none
        case .awaitingHead, .awaitingBodyBudget, .readingBody, .idle:
            state = .closed
            return .close
        }
    }

    public mutating func timerFired(now: Instant) -> Action {
        guard let deadline, now >= deadline else { return .none }
        switch state {
        case .awaitingHead(_, bytesSeen: true), .readingBody:
            return protocolError(.requestTimeout)
        case .awaitingBodyBudget:
            keepAlive = false
            state = .writing
            return .refuseForBodyBudget
        default:
            state = .closed
            return .close
        }
    }

    /// Graceful shutdown: idle connections close now; busy ones finish their request and then close.
    public mutating func shutdownRequested() -> Action {
        shuttingDown = true
        keepAlive = false
        switch state {
        case .idle, .awaitingHead(_, bytesSeen: false):
            state = .closed
            return .close
        default:
            return .none
        }
    }
}
