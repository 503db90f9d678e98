/// Reads a response as it arrives: its head once complete, then its body in pieces as the bytes come, so that
/// a relay holds one read's worth of body rather than all of it. Framing as `ResponseParser` decides it
/// (RFC 9112 §6.3: Content-Length, chunked, or until the peer closes).
public struct ResponseStreamReader: Sendable {
    public enum Event: Sendable, Equatable {
        /// The final head (interim 1xx heads are skipped); `contentLength` when the body's length is known
        /// (0 for a body-less answer).
        case head(ResponseHead, contentLength: Int?)
        case body([UInt8])
        case end
    }

    private enum State { case head, body(ResponseParser.Framing, remaining: Int), done }

    private var parser: ResponseParser
    private var state = State.head
    /// Bytes of the head, or of a chunk line the decoder has not used yet.
    private var pending: [UInt8] = []
    private var chunked: ChunkedDecoder

    public init(limits: ParserLimits = .init(), requestMethod: HTTPMethod = .GET) {
        parser = ResponseParser(limits: limits, requestMethod: requestMethod)
        chunked = ChunkedDecoder(limits: limits)
    }

    /// Bytes came after the response's end (the peer answered more than was asked): the connection cannot carry
    /// another exchange.
    public private(set) var hasSurplus = false

    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Feeds the next bytes read; returns what they completed, in order. Bytes after the end are ignored.
    public mutating func consume(_ bytes: ArraySlice<UInt8>) throws(ResponseParseError) -> [Event] {
        var events: [Event] = []
        var input = bytes
        if case .done = state {
            if !input.isEmpty { hasSurplus = true }
            return events
        }
        if case .head = state {
            pending.append(contentsOf: input)
            input = []
            while case .head = state {
                guard let (head, used) = try ResponseHeadReader.read(pending, limits: parser.limits) else { return events }
                pending.removeFirst(used)
                if (100...199).contains(head.status.code) { continue }
                let framing = try parser.framing(of: head)
                switch framing {
                case .empty:
                    events.append(.head(head, contentLength: Self.declaredLength(head)))
                    events.append(.end)
                    state = .done
                    hasSurplus = !pending.isEmpty
                    return events
                case .length(let length):
                    events.append(.head(head, contentLength: length))
                    state = .body(framing, remaining: length)
                case .chunked, .untilClose:
                    events.append(.head(head, contentLength: nil))
                    state = .body(framing, remaining: 0)
                }
            }
            input = pending[...]
            pending = []
        }
        try decodeBody(input, into: &events)
        return events
    }

    /// The peer closed: ends a close-delimited body; any other unfinished response was cut short.
    public mutating func finish() throws(ResponseParseError) -> [Event] {
        switch state {
        case .done: return []
        case .body(.untilClose, _):
            state = .done
            return [.end]
        case .head, .body: throw .truncated
        }
    }

    private mutating func decodeBody(_ input: ArraySlice<UInt8>, into events: inout [Event]) throws(ResponseParseError) {
        guard case .body(let framing, let remaining) = state, !input.isEmpty else { return }
        switch framing {
        case .length:
            let take = min(remaining, input.count)
            events.append(.body(Array(input.prefix(take))))
            state = take == remaining ? .done : .body(framing, remaining: remaining - take)
            if take == remaining {
                events.append(.end)
                hasSurplus = take < input.count
            }
        case .chunked:
            pending.append(contentsOf: input)
            var data: [UInt8] = []
            let used: Int
            do { used = try chunked.decode(pending, into: &data) } catch { throw ResponseParseError(chunkError: error) }
            pending.removeFirst(used)
            if !data.isEmpty { events.append(.body(data)) }
            if chunked.isComplete {
                state = .done
                hasSurplus = !pending.isEmpty
                pending = []
                events.append(.end)
            }
        case .untilClose:
            events.append(.body(Array(input)))
        case .empty:
            break
        }
    }

    /// A HEAD answer's Content-Length says how long the GET's body would be; relayed as it is when valid.
    private static func declaredLength(_ head: ResponseHead) -> Int? {
        let values = head.headers.values(for: "Content-Length")
        guard values.count == 1, let length = Int(values[0].trimmingOWS()), length >= 0 else { return 0 }
        return length
    }
}
