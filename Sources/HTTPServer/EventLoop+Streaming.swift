import HTTP1
import Logging

/// What a streamed body's task brings back to the loop.
enum StreamedPiece: Sendable {
    case data([UInt8])
    case end
    case failed(String)
}

/// The writing side of a `ResponseStream` on one connection.
struct StreamingWrite {
    let stream: ResponseStream
    let chunked: Bool
    /// Bytes still owed under a declared length.
    var remaining: Int?
    /// A piece has been asked for and not yet come back.
    var pulling = false
}

/// Streamed response bodies: the head goes out with the framing, then one piece at a time is asked of the
/// stream, each only once the socket took everything queued before it (backpressure: a slow client slows the
/// source instead of growing this connection's buffer).
extension EventLoop {
    /// Adds the framing field for a streamed body and starts the stream; true when the body is close-delimited
    /// (an HTTP/1.0 client and no declared length), so the connection must close after it.
    func appendStreamFraming(
        _ stream: ResponseStream, to head: inout [UInt8], on connection: ClientConnection, isHEAD: Bool, http10: Bool
    ) -> Bool {
        if let length = stream.length {
            ResponseSerializer.appendServerField(name: "Content-Length", decimal: length, to: &head)
        } else if !http10 && !isHEAD {
            ResponseSerializer.appendServerField(name: "Transfer-Encoding", value: "chunked", to: &head)
        }
        if isHEAD {
            stream.abandon()
            return false
        }
        let chunked = stream.length == nil && !http10
        connection.streaming = StreamingWrite(stream: stream, chunked: chunked, remaining: stream.length)
        guard stream.length == nil && http10 else { return false }
        connection.lifecycle.closeAfterWriting()
        return true
    }

    /// Asks the stream for its next piece in a task on this loop; the answer comes back as a `.streamed` message.
    func pullStreamed(_ connection: ClientConnection) -> ClientConnection.Lifecycle.Action {
        guard var streaming = connection.streaming, !streaming.pulling else { return .none }
        streaming.pulling = true
        connection.streaming = streaming
        noteDeadline(connection.lifecycle.deadline)  // a source silent for the idle timeout ends the connection
        let (stream, handle, id) = (streaming.stream, handle, connection.id)
        Task(executorPreference: handle) {
            let piece: StreamedPiece
            do {
                piece = try await stream.next().map(StreamedPiece.data) ?? .end
            } catch {
                piece = .failed(String(describing: error))
            }
            handle.submit(.streamed(connection: id, piece))
        }
        return .none
    }

    func streamed(_ piece: StreamedPiece, on connection: ClientConnection) {
        guard var streaming = connection.streaming else { return }
        streaming.pulling = false
        switch piece {
        case .data(let bytes):
            if let remaining = streaming.remaining {
                guard bytes.count <= remaining else { return failStream(connection, "more bytes than its declared length") }
                streaming.remaining = remaining - bytes.count
            }
            connection.streaming = streaming
            guard !bytes.isEmpty else { return perform(pullStreamed(connection), on: connection) }
            if streaming.chunked { connection.pendingWrites.append(ChunkFraming.sizeLine(bytes.count)) }
            connection.pendingWrites.append(bytes)
            if streaming.chunked { connection.pendingWrites.append(ChunkFraming.crlf) }
        case .end:
            if let remaining = streaming.remaining, remaining > 0 {
                return failStream(connection, "the source ended \(remaining) bytes short of its declared length")
            }
            connection.streaming = nil
            if streaming.chunked { connection.pendingWrites.append(ChunkFraming.last) }
        case .failed(let reason):
            return failStream(connection, reason)
        }
        perform(flush(connection), on: connection)
    }

    /// The head is out and the body cannot be completed: the connection closes with the framing unfinished, so
    /// the client sees a truncated answer rather than a complete wrong one.
    private func failStream(_ connection: ClientConnection, _ reason: String) {
        context.logger.warning("streamed response cut short", metadata: [
            "request.id": "\(connection.requestID)", "reason": "\(reason)",
        ])
        abandonStream(connection)
        finalClose(connection)
    }

    /// Frees the source of a body that will not be read on (the connection ends first).
    func abandonStream(_ connection: ClientConnection) {
        guard let streaming = connection.streaming else { return }
        connection.streaming = nil
        streaming.stream.abandon()
    }
}
