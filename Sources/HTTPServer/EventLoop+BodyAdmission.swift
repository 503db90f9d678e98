import HTTP1

/// Whether a body is wanted is decided on its head, before any of it is buffered: the responder screens the
/// head on the loop (route, method, limit, media type, credentials it can check without waiting), may check the
/// rest in a task (credentials it must look up), and only then is room taken in the `BodyBudget` and the body read.
extension EventLoop {
    /// A body waiting for room in the budget tries again this often.
    static let bodyBudgetRetry: Duration = .milliseconds(10)

    func screenBody(_ connection: ClientConnection, head: RequestHead) -> ClientConnection.Lifecycle.Action {
        let request = Request(method: head.method, target: head.target, headers: head.headers, id: connection.requestID,
                              trace: connection.trace)
        let arrived = Self.bodyArrived(connection)
        switch context.responder.screenBody(of: request, arrived: arrived) {
        case .refuse(let routed):
            if let refusal = overParserLimit(connection) { return refusal }
            return refuseOnHead(connection, with: routed, keepAliveRequested: head.keepAlive)
        case .stream(let limit):
            return startBodyStream(connection, head: head, request: request, limit: limit)
        case .discard:
            if let refusal = overParserLimit(connection) { return refusal }
            connection.discardsBody = true
            connection.request = request
            return connection.lifecycle.headParsed(keepAlive: head.keepAlive, hasBody: true, now: now)
        case .read(let routeLimit, let admitFirst):
            if let refusal = overParserLimit(connection) { return refusal }
            let limit = min(routeLimit, context.configuration.limits.maxBodyBytes)
            if case .contentLength(let length) = connection.framing, length > limit {
                connection.errorMessage = "the body exceeds this route's limit of \(limit) bytes"
                return connection.lifecycle.protocolError(.contentTooLarge)
            }
            connection.bodyLimit = limit
            if connection.framing == .chunked && limit < connection.chunked.limits.maxBodyBytes {
                var limits = connection.chunked.limits
                limits.maxBodyBytes = limit
                connection.chunked = ChunkedDecoder(limits: limits)
            }
            connection.request = request
            if admitFirst && !arrived { return connection.lifecycle.headNeedsAdmission(keepAlive: head.keepAlive) }
            return connection.lifecycle.headParsed(keepAlive: head.keepAlive, hasBody: true, now: now)
        }
    }

    /// Whether the whole Content-Length body is already buffered behind the head. A chunked body's end is
    /// known only by decoding it, so it counts as not arrived.
    private static func bodyArrived(_ connection: ClientConnection) -> Bool {
        guard case .contentLength(let length) = connection.framing else { return false }
        return connection.buffer.count - connection.readIndex >= length
    }

    /// Answers without reading the body (RFC 9112 §9.6). A body already buffered in full is dropped and the
    /// connection kept; otherwise it closes after the answer, its read bytes freed now.
    private func refuseOnHead(
        _ connection: ClientConnection, with refusal: RoutedResponse, keepAliveRequested: Bool
    ) -> ClientConnection.Lifecycle.Action {
        connection.discardsBody = true
        let dropped: Bool
        do {
            dropped = try consumeBody(connection)
        } catch {
            // The framing itself is broken: that is the answer, as for a body that was read.
            return protocolFailure(connection, error)
        }
        if !dropped { connection.releaseReadBuffer() }
        connection.response = refusal.response
        logRequest(connection, status: refusal.response.status, route: refusal.route)
        return connection.lifecycle.headRefused(keepAlive: keepAliveRequested && dropped)
    }

    /// Runs `Responder.admitBody` in a task; its verdict comes back as an `.admission` message.
    func startAdmission(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        guard let request = connection.request else { return .none }
        let (responder, handle, id) = (context.responder, handle, connection.id)
        Task(executorPreference: handle) {
            let refusal = await responder.admitBody(of: request)
            handle.submit(.admission(connection: id, refusal: refusal))
        }
        return .none
    }

    func admissionDecided(_ connection: ClientConnection, refusal: RoutedResponse?) {
        guard connection.lifecycle.state == .admittingBody else { return }
        guard let refusal else { return perform(connection.lifecycle.bodyAdmitted(now: now), on: connection) }
        perform(refuseOnHead(connection, with: refusal, keepAliveRequested: false), on: connection)
    }

    /// Takes room for the whole body, or waits (retrying every `bodyBudgetRetry`) until the lifecycle's
    /// deadline refuses it. A discarded body needs none.
    func reserveBody(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        let bytes: Int
        switch connection.framing {
        case _ where connection.discardsBody: bytes = 0
        case .contentLength(let length): bytes = length
        case .chunked: bytes = connection.bodyLimit
        case .none: bytes = 0
        }
        guard context.bodyBudget.reserve(bytes) else {
            if let deadline = connection.lifecycle.deadline, now >= deadline {
                return connection.lifecycle.timerFired(now: now)
            }
            noteDeadline(now.advanced(by: Self.bodyBudgetRetry))
            return .none
        }
        connection.heldBodyBytes = bytes
        // All of it at once: growth by doubling would hold up to twice the reservation. Pages are touched
        // only as bytes arrive.
        if bytes > 0 { connection.body.reserveCapacity(bytes) }
        if connection.head?.expectsContinue == true && !connection.hasUnreadBytes {
            connection.pendingWrites.append(ResponseSerializer.continueHead)
            if flush(connection) == .close { return .close }
        }
        return connection.lifecycle.bodyReserved(now: now)
    }

    /// 503 with `Retry-After`: no room for the body came within the wait.
    func refuseForBodyBudget(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        context.bodyBudget.noteRefusal()
        var response = context.responder.render(ServerAnswer(
            status: .serviceUnavailable, kind: .bodyBudgetExhausted,
            message: "too many request bodies are in memory; retry shortly"))
        response.headers.replaceOrAdd(name: "Retry-After", value: "1")
        connection.response = response
        logRequest(connection, status: response.status, route: nil)
        connection.releaseReadBuffer()
        return writeResponse(connection, closeAfter: true)
    }

    /// Returns the connection's reservation: its body was refused, timed out, or its connection is gone.
    func releaseHeldBody(_ connection: ClientConnection) {
        context.bodyBudget.release(connection.heldBodyBytes)
        connection.heldBodyBytes = 0
    }
}
