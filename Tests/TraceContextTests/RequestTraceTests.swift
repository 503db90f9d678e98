import HTTP1
import Testing
@testable import TraceContext

/// What a request's trace becomes from its header fields, and what goes out on a call made within it.
@Suite struct RequestTraceTests {
    /// Hands out the given words, then counts on from the last.
    struct Words: TraceRandomness {
        var words: [UInt64]
        mutating func nextUInt64() -> UInt64 {
            if words.count > 1 { return words.removeFirst() }
            defer { words[0] += 1 }
            return words[0]
        }
    }

    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func continuesAValidParentWithASpanOfItsOwn() {
        var random = Words(words: [0x1122_3344_5566_7788])
        let trace = RequestTrace(
            headers: ["traceparent": Self.parent, "tracestate": "rojo=00f067aa0ba902b7"], using: &random)
        #expect(trace.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.spanIDHex == "1122334455667788")
        #expect(trace.flags == 1)
        #expect(trace.state == "rojo=00f067aa0ba902b7")
        #expect(trace.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-1122334455667788-01")
    }

    @Test func startsANewUnsampledTraceWithoutAValidParentAndDropsItsState() {
        for headers: HeaderFields in [
            [:],
            ["tracestate": "rojo=1"],
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "tracestate": "rojo=1"],
            // Two parents: the spec cannot say which one wins.
            HeaderFields([("traceparent", Self.parent), ("traceparent", Self.parent), ("tracestate", "rojo=1")]),
        ] {
            var random = Words(words: [0xA, 0xB, 0xC])
            let trace = RequestTrace(headers: headers, using: &random)
            #expect(trace.traceID == TraceID(high: 0xA, low: 0xB), "\(headers)")
            #expect(trace.spanID == 0xC)
            #expect(trace.flags == 0)
            #expect(trace.state == nil)
        }
    }

    @Test func joinsSeveralStateFieldsAndDropsAStateOverTheLimits() {
        var random = SystemRandomNumberGenerator()
        let joined = RequestTrace(headers: ["traceparent": Self.parent, "tracestate": "a=1", "TraceState": "b=2"], using: &random)
        #expect(joined.state == "a=1,b=2")
        let repeated = RequestTrace(
            headers: HeaderFields([("traceparent", Self.parent), ("tracestate", "a=1"), ("tracestate", "a=2")]), using: &random)
        #expect(repeated.state == nil)
        #expect(repeated.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736", "a bad state does not end the trace")
    }

    @Test func neverMakesAZeroId() {
        var random = Words(words: [0, 0, 0, 5])
        let trace = RequestTrace(headers: [:], using: &random)
        #expect(!trace.traceID.isZero)
        #expect(trace.spanID != 0)
        #expect(TraceParent(parsing: trace.traceparent) != nil)
    }

    @Test func aChildCallCarriesTheTraceWithItsOwnSpanInPlaceOfTheCallersHeaders() throws {
        var random = Words(words: [0x77, 0x99])
        let trace = RequestTrace(headers: ["traceparent": Self.parent, "tracestate": "rojo=1"], using: &random)
        var headers: HeaderFields = ["Accept": "*/*", "TraceParent": "00-11111111111111111111111111111111-2222222222222222-01",
                                     "tracestate": "caller=chose"]
        trace.child(using: &random).stamp(&headers)
        #expect(headers.values(for: "traceparent") == ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000099-01"])
        #expect(headers.values(for: "tracestate") == ["rojo=1"])
        #expect(headers["Accept"] == "*/*")
    }

    @Test func resumesAStoredParentOrStartsAfresh() {
        let resumed = RequestTrace.resuming(traceparent: Self.parent, state: "rojo=1")
        #expect(resumed.traceIDHex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(resumed.spanID != 0x00f0_67aa_0ba9_02b7)
        #expect(resumed.state == "rojo=1")
        let fresh = RequestTrace.resuming(traceparent: nil, state: "rojo=1")
        #expect(fresh.traceIDHex != "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(fresh.state == nil)
        #expect(RequestTrace.starting().traceID != RequestTrace.starting().traceID)
    }
}
