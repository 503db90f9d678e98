import Glibc
import HTTP1
import Logging
import TraceContext

extension EventLoop {
    /// How long a closing connection may keep sending before we stop discarding and close anyway.
    static let lingerTime: Duration = .seconds(1)

    func writeResponse(_ connection: ClientConnection, closeAfter: Bool) -> ClientConnection.Lifecycle.Action {
        let response = connection.response
            ?? context.responder.render(ServerAnswer(status: .internalServerError, kind: .missingResponse, message: "no response"))
        let isHEAD = connection.head?.method == .HEAD
        let http10 = connection.head?.version == .http1_0
        queue(response, on: connection, isHEAD: isHEAD, closeAfter: closeAfter, http10: http10)
        connection.finishRequest()
        return flush(connection)
    }

    func writeError(_ connection: ClientConnection, status: HTTPStatus) -> ClientConnection.Lifecycle.Action {
        let message = connection.errorMessage ?? Self.message(for: status)
        // A head of this request may not exist (bad or slow head): then the failure gets its own id.
        if connection.head == nil {
            connection.requestID = RequestID.generate(using: &randomBytes)
            connection.trace = RequestTrace(continuing: nil, state: nil, using: &randomBytes)
            connection.requestStarted = now
        }
        logRequest(connection, status: status, route: nil)
        let response = context.responder.render(ServerAnswer(status: status, kind: .protocolError, message: message))
        queue(response, on: connection, isHEAD: false, closeAfter: true, http10: false)
        releaseHeldBody(connection)
        connection.finishRequest()
        return flush(connection)
    }

    private static func message(for status: HTTPStatus) -> String {
        switch status.code {
        case 408: "timed out waiting for the request"
        case 503: "server at connection limit"
        default: status.reasonPhrase.lowercased()
        }
    }

    /// Serialises the head in one pass: the handler's fields minus those the server owns, then the server's.
    private func queue(_ response: Response, on connection: ClientConnection, isHEAD: Bool, closeAfter: Bool, http10: Bool) {
        let bodyless = !response.status.mayCarryBody
        var head: [UInt8] = []
        head.reserveCapacity(192 + response.headers.count * 48)
        ResponseSerializer.appendStatusLine(response.status, to: &head)
        var hasDate = false
        for field in response.headers {
            if Self.serverOwned(field.name) { continue }
            if !hasDate && HeaderFields.sameName(field.name, "date") { hasDate = true }
            ResponseSerializer.appendField(name: field.name, value: field.value, to: &head)
        }
        var closeAfter = closeAfter
        if !bodyless {
            if let stream = response.stream {
                closeAfter = appendStreamFraming(stream, to: &head, on: connection, isHEAD: isHEAD, http10: http10) || closeAfter
            } else {
                ResponseSerializer.appendServerField(name: "Content-Length", decimal: response.body.count, to: &head)
            }
        } else {
            response.stream?.abandon()
        }
        if !hasDate { ResponseSerializer.appendServerField(name: "Date", value: dateCache.current(), to: &head) }
        // The request id is the client's only when it was sane (visible ASCII, bounded), else one of ours.
        ResponseSerializer.appendServerField(name: "X-Request-Id", value: connection.requestID, to: &head)
        // Our span in the caller's trace (or in a new one), so the caller can find what we did for it.
        if let trace = connection.trace {
            ResponseSerializer.appendServerField(name: "traceparent", value: trace.traceparent, to: &head)
            if let state = trace.state { ResponseSerializer.appendServerField(name: "tracestate", value: state, to: &head) }
        }
        connection.lingerAfterClose = closeAfter
        if closeAfter {
            ResponseSerializer.appendServerField(name: "Connection", value: "close", to: &head)
        } else if http10 {
            ResponseSerializer.appendServerField(name: "Connection", value: "keep-alive", to: &head)
        }
        ResponseSerializer.appendEnd(to: &head)
        connection.pendingWrites.append(head)
        if !isHEAD && !bodyless && !response.body.isEmpty { connection.pendingWrites.append(response.body) }
    }

    /// Framing, the request id and the trace are the server's to say; a handler's values for them (a proxied
    /// upstream's `traceparent`) are dropped.
    private static func serverOwned(_ name: String) -> Bool {
        HeaderFields.sameName(name, "content-length") || HeaderFields.sameName(name, "transfer-encoding")
            || HeaderFields.sameName(name, "connection") || HeaderFields.sameName(name, "x-request-id")
            || HeaderFields.sameName(name, "traceparent") || HeaderFields.sameName(name, "tracestate")
    }

    /// Writes queued output, head and body in one sendmsg where possible; waits for EPOLLOUT on EAGAIN.
    func flush(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        connection.lifecycle.writeProgressed(now: now)
        while let first = connection.pendingWrites.first {
            let second = connection.pendingWrites.count > 1 ? connection.pendingWrites[1] : nil
            let result = Self.send(connection.fd, first, offset: connection.writeOffset, then: second)
            guard case .processed(var written)? = result else {
                if case .wouldBlock? = result {
                    noteDeadline(connection.lifecycle.deadline)
                    return .none
                }
                connection.sawHangup = true  // EPIPE/ECONNRESET: the peer is gone
                return .close
            }
            while written > 0, let head = connection.pendingWrites.first {
                let left = head.count - connection.writeOffset
                if written >= left {
                    written -= left
                    connection.pendingWrites.removeFirst()
                    connection.writeOffset = 0
                } else {
                    connection.writeOffset += written
                    written = 0
                }
            }
        }
        if connection.streaming != nil { return pullStreamed(connection) }
        return connection.lifecycle.writeCompleted(now: now, hasBufferedBytes: connection.hasUnreadBytes)
    }

    private static func send(_ fd: Int32, _ first: [UInt8], offset: Int, then second: [UInt8]?) -> IOResult<Int>? {
        first.withUnsafeBytes { head in
            (second ?? []).withUnsafeBytes { body in
                var vectors = [
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress.map { $0 + offset }),
                          iov_len: head.count - offset),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count),
                ]
                let count = second == nil ? 1 : 2
                return vectors.withUnsafeMutableBufferPointer { iov in
                    var message = msghdr()
                    message.msg_iov = iov.baseAddress
                    message.msg_iovlen = count
                    // sendmsg rather than writev: MSG_NOSIGNAL turns a dead peer into EPIPE, not SIGPIPE.
                    return try? nonBlockingSyscall("sendmsg") { sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
                }
            }
        }
    }

    /// Closes after a response: half-close and discard what the client still sends, so our last answer is
    /// not destroyed by a TCP reset; silent closes (timeouts, hang-ups) skip the wait.
    func close(_ connection: ClientConnection) {
        abandonStream(connection)
        guard connection.lingerAfterClose, !connection.sawHangup, connection.pendingWrites.isEmpty else { return finalClose(connection) }
        _ = shutdown(connection.fd, Int32(SHUT_WR))
        connection.lingerDeadline = now.advanced(by: Self.lingerTime)
        noteDeadline(connection.lingerDeadline)
        drainLingering(connection)
    }

    func drainLingering(_ connection: ClientConnection) {
        while connection.maybeReadable {
            let capacity = scratch.count
            let result = try? nonBlockingSyscall("recv") {
                scratch.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, capacity, 0) }
            }
            switch result {
            case .processed(let count) where count > 0: continue
            case .wouldBlock?: connection.maybeReadable = false
            default: return finalClose(connection)
            }
        }
    }

    func finalClose(_ connection: ClientConnection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        abandonStream(connection)
        endBodyStream(connection, failing: "the connection closed before the body ended")
        releaseHeldBody(connection)
        unregister(connection.fd)
        _ = Glibc.close(connection.fd)
        if connection.holdsSlot { context.releaseConnection() } else { rejectedOpen -= 1 }
    }

    func logRequest(_ connection: ClientConnection, status: HTTPStatus, route: String?) {
        guard context.logger.logLevel <= .info else { return }
        let elapsed = connection.requestStarted.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "request.id": "\(connection.requestID)",
            "trace.id": "\(connection.trace?.traceIDHex ?? "-")",
            "span.id": "\(connection.trace?.spanIDHex ?? "-")",
            "http.method": "\(connection.head?.method.rawValue ?? "-")",
            "http.route": "\(route ?? "-")",
            "http.status": "\(status.code)",
            "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
        ])
    }
}
