public import HTTP1

/// The trace a piece of work belongs to and the span that is ours within it: one per request (continuing the
/// caller's `traceparent` when it is valid, else a new trace), one per webhook delivery attempt (continuing the
/// request that caused the event) and one per background token refresh (a new trace). Two words and a byte plus
/// the caller's `tracestate`: making one allocates nothing.
public struct RequestTrace: Sendable, Equatable {
    public var traceID: TraceID
    /// Our span: the parent id of everything we call, and the one the answer's `traceparent` names.
    public var spanID: UInt64
    public var flags: UInt8
    /// The caller's `tracestate`, when it came with a valid `traceparent` and passed `TraceState.accepted`.
    public var state: String?

    /// The trace of the work under way in this task: set for a request's handler, a webhook delivery and a
    /// background token refresh. `HTTPClient` sends it on every call; the App's log lines carry it.
    @TaskLocal public static var current: RequestTrace?

    public init(traceID: TraceID, spanID: UInt64, flags: UInt8, state: String? = nil) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
        self.state = state
    }

    /// A new span of our own in `parent`'s trace, or a new trace (not sampled) when there is no valid parent.
    public init(continuing parent: TraceParent?, state: String?, using random: inout some TraceRandomness) {
        if let parent {
            self.init(traceID: parent.traceID, spanID: random.spanID(), flags: parent.flags, state: state.flatMap(TraceState.accepted))
        } else {
            self.init(traceID: random.traceID(), spanID: random.spanID(), flags: 0)
        }
    }

    /// The trace of a request with these header fields. More than one `traceparent` is invalid (the spec cannot
    /// say which wins); several `tracestate` fields are one list.
    public init(headers: HeaderFields, using random: inout some TraceRandomness) {
        let parents = headers.occurrences(of: "traceparent")
        let parent = parents.count == 1 ? parents.first.flatMap(TraceParent.init(parsing:)) : nil
        var state: String?
        if parent != nil {
            let states = headers.occurrences(of: "tracestate")
            state = states.count > 1 ? headers.values(for: "tracestate").joined(separator: ",") : states.first
        }
        self.init(continuing: parent, state: state, using: &random)
    }

    /// The `traceparent` that names our span as the parent: the answer's, and the one stored with a webhook event.
    public var traceparent: String { TraceParent(traceID: traceID, parentID: spanID, flags: flags).header }

    /// A child span of ours for one outbound call.
    public func child(using random: inout some TraceRandomness) -> RequestTrace {
        RequestTrace(traceID: traceID, spanID: random.spanID(), flags: flags, state: state)
    }

    /// `headers` with this trace's `traceparent` (and `tracestate`) in place of any they carried: what goes out is
    /// ours, never a value a caller chose.
    public func stamp(_ headers: inout HeaderFields) {
        headers.remove(name: "traceparent")
        headers.remove(name: "tracestate")
        headers.add(name: "traceparent", value: traceparent)
        if let state { headers.add(name: "tracestate", value: state) }
    }

    /// Log metadata values: `trace.id` and `span.id`.
    public var traceIDHex: String { traceID.hex }
    public var spanIDHex: String { Hex.string(spanID, count: 16) }
}

extension RequestTrace {
    /// A new trace, for work no request started (a background token refresh).
    public static func starting() -> RequestTrace {
        var random = SystemRandomNumberGenerator()
        return RequestTrace(continuing: nil, state: nil, using: &random)
    }

    /// A new span of ours continuing a stored `traceparent` (a webhook event's), or a new trace when there is
    /// none or it no longer parses.
    public static func resuming(traceparent: String?, state: String?) -> RequestTrace {
        var random = SystemRandomNumberGenerator()
        return RequestTrace(continuing: traceparent.flatMap(TraceParent.init(parsing:)), state: state, using: &random)
    }
}
