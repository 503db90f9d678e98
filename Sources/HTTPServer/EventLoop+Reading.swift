import CLinuxEvents
import Glibc
import HTTP1
import Logging
import Synchronization

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
                guard connection.lifecycle.wantsInput, connection.maybeReadable else {
                    noteDeadline(connection.lifecycle.deadline)
                    return
                }
                action = readAvailable(connection)
            case .parse: action = parseHead(connection)
            case .readBody: action = readBody(connection)
            case .dispatch: action = dispatch(connection)
            case .write(let closeAfter): action = writeResponse(connection, closeAfter: closeAfter)
            case .writeError(let status): action = writeError(connection, status: status)
            case .close:
                close(connection)
                return
            }
        }
    }

    private func readAvailable(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        let capacity = scratch.count
        let result = try? nonBlockingSyscall("recv") {
            scratch.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, capacity, 0) }
        }
        switch result {
        case .processed(let count) where count > 0:
            connection.buffer.append(contentsOf: scratch[0..<count])
            // A short read drained the socket (a later arrival raises a new edge) unless the peer hung up.
            if count < capacity && !connection.sawHangup { connection.maybeReadable = false }
            return connection.lifecycle.bytesArrived(now: now)
        case .processed:
            connection.maybeReadable = false
            connection.sawHangup = true
            return connection.lifecycle.peerClosed()
        case .wouldBlock:
            connection.maybeReadable = false
            return .none
        case nil:  // ECONNRESET and the like: nothing more can be said to this peer
            connection.maybeReadable = false
            connection.sawHangup = true
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
            connection.head = head
            let framing = try BodyFraming.decide(for: head, limits: context.configuration.limits)
            connection.framing = framing
            if framing != .none {
                // Reserve only what one read can bring: memory follows bytes received, not bytes announced.
                connection.body.reserveCapacity(min(Self.length(of: framing), scratch.count))
                if head.expectsContinue && !connection.hasUnreadBytes {
                    connection.pendingWrites.append(ResponseSerializer.continueHead)
                    if flush(connection) == .close { return .close }
                }
            }
            return connection.lifecycle.headParsed(keepAlive: head.keepAlive, hasBody: framing != .none, now: now)
        } catch {
            return protocolFailure(connection, error)
        }
    }

    private static func length(of framing: BodyFraming) -> Int {
        if case .contentLength(let length) = framing { return length }
        return 0
    }

    private func readBody(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        let start = connection.readIndex
        switch connection.framing {
        case .none:
            return connection.lifecycle.bodyCompleted()
        case .contentLength(let length):
            let take = min(length - connection.body.count, connection.buffer.count - start)
            connection.body.append(contentsOf: connection.buffer[start..<(start + take)])
            connection.readIndex += take
            connection.compact()
            return connection.body.count == length ? connection.lifecycle.bodyCompleted() : .none
        case .chunked:
            let result = connection.buffer.withUnsafeBytes { raw in
                Result { () throws(HTTPParseError) in
                    try connection.chunked.decode(UnsafeRawBufferPointer(rebasing: raw[start...]), into: &connection.body)
                }
            }
            do {
                connection.readIndex += try result.get()
                connection.compact()
                return connection.chunked.isComplete ? connection.lifecycle.bodyCompleted() : .none
            } catch {
                return protocolFailure(connection, error)
            }
        }
    }

    private func protocolFailure(_ connection: ClientConnection, _ error: HTTPParseError) -> ClientConnection.Lifecycle.Action {
        context.logger.debug("rejected request", metadata: ["http.status": "\(error.status.code)", "reason": "\(error)"])
        connection.errorMessage = error.description
        return connection.lifecycle.protocolError(error.status)
    }

    /// Answers in place when the responder can (no task, no hop through the loop's queue), else starts the
    /// request's task, whose response comes back as a `.response` message.
    private func dispatch(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        guard let head = connection.head else { return .none }
        let request = Request(
            method: head.method, target: head.target, headers: head.headers, body: connection.body,
            id: connection.requestID)
        connection.body = []
        let responder = context.responder
        if let immediate = responder.respondImmediately(to: request) {
            connection.response = immediate.response
            logRequest(connection, status: immediate.response.status, route: immediate.route)
            return connection.lifecycle.responseReady()
        }
        let (handle, id) = (handle, connection.id)
        Task(executorPreference: handle) {
            let routed = await responder.respondRouted(to: request)
            handle.submit(.response(connection: id, routed.response, route: routed.route))
        }
        return .none
    }
}
