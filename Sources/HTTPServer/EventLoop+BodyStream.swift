import HTTP1

/// Request bodies handed on as they arrive (`BodyScreening.stream`): the request is dispatched on its head, and
/// the loop keeps reading while the handler works, each read's body bytes offered to the `RequestBodyStream`;
/// when its buffer is full the loop stops reading until the handler takes from it.
extension EventLoop {
    func startBodyStream(
        _ connection: ClientConnection, head: RequestHead, request: Request, limit: Int
    ) -> ClientConnection.Lifecycle.Action {
        if case .contentLength(let length) = connection.framing, length > limit {
            connection.errorMessage = "the body exceeds this route's limit of \(limit) bytes"
            return connection.lifecycle.protocolError(.contentTooLarge)
        }
        var limits = connection.chunked.limits
        limits.maxBodyBytes = limit
        connection.chunked = ChunkedDecoder(limits: limits)
        let length: Int? = if case .contentLength(let length) = connection.framing { length } else { nil }
        let (handle, id) = (handle, connection.id)
        let stream = RequestBodyStream(length: length, room: { handle.submit(.bodyStreamRoom(connection: id)) })
        var request = request
        request.bodyStream = stream
        connection.request = request
        connection.bodyStream = stream
        // 100 Continue: the handler reads the body as soon as it runs.
        if head.expectsContinue && !connection.hasUnreadBytes {
            connection.pendingWrites.append(ResponseSerializer.continueHead)
        }
        // The body's end, not the head, decides whether the connection can be kept (`endBodyStream`).
        return connection.lifecycle.headParsed(keepAlive: head.keepAlive, hasBody: false, now: now)
    }

    /// Offers the buffered body bytes to the stream; ends it when the body is complete or broken.
    func feedBodyStream(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        guard let stream = connection.bodyStream, !stream.isEnded else { return .none }
        let complete: Bool
        do {
            complete = try consumeBody(connection)
        } catch {
            endBodyStream(connection, failing: error.description)
            return .none
        }
        let piece = connection.body
        connection.body = []
        if !piece.isEmpty && !stream.offer(piece) { connection.bodyStreamPaused = true }
        if complete { stream.finish() }
        if !connection.pendingWrites.isEmpty, flush(connection) == .close { return .close }
        return .none
    }

    /// Fails a body still being streamed (the answer came first, the client left, or the bytes were bad): its
    /// unread rest cannot be told from a next request, so the connection closes after the answer.
    func endBodyStream(_ connection: ClientConnection, failing reason: String) {
        guard let stream = connection.bodyStream else { return }
        connection.bodyStreamPaused = false
        guard !stream.isEnded else { return }
        stream.fail(reason)
        connection.lifecycle.closeAfterWriting()
        connection.releaseReadBuffer()
        connection.bodyStream = nil
    }

    /// A Content-Length over MAX_BODY_BYTES on a route that does not stream: 413, as the head's own check answers
    /// when no route streams (`ServerConfiguration.maxStreamedBodyBytes` raised that check for the head).
    func overParserLimit(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action? {
        guard context.configuration.maxStreamedBodyBytes > context.configuration.limits.maxBodyBytes,
              case .contentLength(let length) = connection.framing,
              length > context.configuration.limits.maxBodyBytes
        else { return nil }
        return protocolFailure(connection, .contentTooLarge)
    }
}
