/// Where new trace and span ids come from. An event loop and the outbound client hand out buffered kernel
/// randomness (`RandomBytes`); elsewhere `SystemRandomNumberGenerator` serves.
public protocol TraceRandomness {
    mutating func nextUInt64() -> UInt64
}

extension SystemRandomNumberGenerator: TraceRandomness {
    public mutating func nextUInt64() -> UInt64 { next() }
}

extension TraceRandomness {
    /// A span id: 64 random bits, never all zero (which W3C Trace Context reserves as invalid).
    public mutating func spanID() -> UInt64 {
        let id = nextUInt64()
        return id == 0 ? 1 : id
    }

    /// A trace id: 128 random bits, never all zero.
    public mutating func traceID() -> TraceID {
        let id = TraceID(high: nextUInt64(), low: nextUInt64())
        return id.isZero ? TraceID(high: 0, low: 1) : id
    }
}
