import CLinuxEvents
import Glibc
import HTTP1
import Logging
import Synchronization
import TraceContext

extension EventLoop {
    func connectionEvent(_ connection: ClientConnection, flags: UInt32) {
        let hangup = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if flags & (EPOLLIN.rawValue | hangup) != 0 { connection.maybeReadable = true }
        if flags & hangup != 0 { connection.sawHangup = true }
        if connection.lingerDeadline != nil {
            drainLingering(connection)
            return
        }
        var action = ClientConnection.Lifecycle.Action.none
        if flags & EPOLLOUT.rawValue != 0, !connection.pendingWrites.isEmpty { action = flush(connection) }
        perform(action, on: connection)
    }

    /// Carries out lifecycle actions until the connection has to wait for the network or the responder.
    func perform(_ first: ClientConnection.Lifecycle.Action, on connection: ClientConnection) {
        var action = first
        while true {
            switch action {
            case .none:
                guard connection.lifecycle.wantsInput || connection.wantsStreamedBody, connection.maybeReadable else {
                    noteDeadline(connection.lifecycle.deadline)
                    return
                }
                action = readAvailable(connection)
            case .parse: action = parseHead(connection)
            case .admitBody: action = startAdmission(connection)
            case .reserveBody: action = reserveBody(connection)
            case .readBody: action = readBody(connection)
            case .dispatch: action = dispatch(connection)
            case .write(let closeAfter): action = writeResponse(connection, closeAfter: closeAfter)
            case .writeError(let status): action = writeError(connection, status: status)
            case .refuseForBodyBudget: action = refuseForBodyBudget(connection)
            case .close:
                close(connection)
                return
            }
        }
    }

    /// At most this much is read at a time until a body is wanted: a head rarely needs more, and body bytes that
    /// come with it are held before anyone decided to want them (`BodyBudget`).
    static let headReadBytes = 16 * 1024

    private func readAvailable(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        let streaming = connection.bodyStream != nil
        let capacity = connection.lifecycle.isReadingBody || streaming ? scratch.count : Self.headReadBytes
        let result = try? nonBlockingSyscall("recv") {
            scratch.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, capacity, 0) }
        }
        switch result {
        case .processed(let count) where count > 0:
            connection.buffer.append(contentsOf: scratch[0..<count])
            // A short read drained the socket (a later arrival raises a new edge) unless the peer hung up.
            if count < capacity && !connection.sawHangup { connection.maybeReadable = false }
            if streaming { return feedBodyStream(connection) }
            return connection.lifecycle.bytesArrived(now: now)
        case .processed:
            connection.maybeReadable = false
            connection.sawHangup = true
            endBodyStream(connection, failing: "the client closed the connection before the body ended")
            return connection.lifecycle.peerClosed()
        case .wouldBlock:
            connection.maybeReadable = false
            return .none
        case nil:  // ECONNRESET and the like: nothing more can be said to this peer
            connection.maybeReadable = false
            connection.sawHangup = true
            endBodyStream(connection, failing: "the client's connection broke before the body ended")
            return .close
        }
    }

    private func parseHead(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        let start = connection.readIndex
        let step = connection.buffer.withUnsafeBytes { raw in
            Result { () throws(HTTPParseError) in
                try connection.parser.parse(UnsafeRawBufferPointer(rebasing: raw[start...]))
            }
        }
        do {
            guard case .head(let head, let consumed) = try step.get() else {
                connection.compact()
                return .none
            }
            connection.readIndex += consumed
            connection.requestStarted = now
            connection.requestID = RequestID.honouring(head.headers["x-request-id"], using: &randomBytes)
            connection.trace = RequestTrace(headers: head.headers, using: &randomBytes)
            connection.head = head
            var limits = context.configuration.limits
            limits.maxBodyBytes = max(limits.maxBodyBytes, context.configuration.maxStreamedBodyBytes)
            let framing = try BodyFraming.decide(for: head, limits: limits)
            connection.framing = framing
            guard framing != .none else {
                return connection.lifecycle.headParsed(keepAlive: head.keepAlive, hasBody: false, now: now)
            }
            return screenBody(connection, head: head)
        } catch {
            return protocolFailure(connection, error)
        }
    }

    private func readBody(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        do {
            return try consumeBody(connection) ? connection.lifecycle.bodyCompleted() : .none
        } catch {
            return protocolFailure(connection, error)
        }
    }

    /// Moves buffered body bytes into `body`, or drops them when the body is discarded; true once it is complete.
    func consumeBody(_ connection: ClientConnection) throws(HTTPParseError) -> Bool {
        let start = connection.readIndex
        switch connection.framing {
        case .none:
            return true
        case .contentLength(let length):
            let take = min(length - connection.bodyReceived, connection.buffer.count - start)
            if !connection.discardsBody { connection.body.append(contentsOf: connection.buffer[start..<(start + take)]) }
            connection.bodyReceived += take
            connection.readIndex += take
            connection.compact()
            return connection.bodyReceived == length
        case .chunked:
            let result = connection.buffer.withUnsafeBytes { raw in
                Result { () throws(HTTPParseError) in
                    try connection.chunked.decode(UnsafeRawBufferPointer(rebasing: raw[start...]), into: &connection.body)
                }
            }
            connection.readIndex += try result.get()
            // The decoder counts what it produced, so its limit still holds when the bytes are dropped.
            if connection.discardsBody { connection.body.removeAll(keepingCapacity: true) }
            connection.compact()
            return connection.chunked.isComplete
        }
    }

    func protocolFailure(_ connection: ClientConnection, _ error: HTTPParseError) -> ClientConnection.Lifecycle.Action {
        context.logger.debug("rejected request", metadata: ["http.status": "\(error.status.code)", "reason": "\(error)"])
        connection.errorMessage = error.description
        return connection.lifecycle.protocolError(error.status)
    }

    /// Answers in place when the responder can (no task, no hop through the loop's queue), else starts the
    /// request's task, whose response comes back as a `.response` message.
    private func dispatch(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        guard let head = connection.head else { return .none }
        // A `let`: the task captures it, and a captured `var` would be boxed on the heap for every request.
        let request: Request
        if var screened = connection.request {
            connection.request = nil
            screened.body = connection.body
            request = screened
        } else {
            request = Request(
                method: head.method, target: head.target, headers: head.headers, body: connection.body,
                id: connection.requestID, trace: connection.trace)
        }
        connection.body = []
        // The body's reservation goes with it, and is returned once the responder is done with the request. A
        // request without one does not touch the shared budget (not even its reference count).
        let heldBytes = connection.heldBodyBytes
        connection.heldBodyBytes = 0
        let budget = heldBytes > 0 ? context.bodyBudget : nil
        let responder = context.responder
        if let immediate = responder.respondImmediately(to: request) {
            budget?.release(heldBytes)
            connection.response = immediate.response
            logRequest(connection, status: immediate.response.status, route: immediate.route)
            return connection.lifecycle.responseReady()
        }
        let (handle, id) = (handle, connection.id)
        Task(executorPreference: handle) {
            let routed = await responder.respondRouted(to: request)
            budget?.release(heldBytes)
            handle.submit(.response(connection: id, routed.response, route: routed.route))
        }
        return connection.bodyStream != nil ? feedBodyStream(connection) : .none
    }
}
