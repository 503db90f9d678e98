/// A W3C trace id: 16 bytes, kept as two words so that holding one costs no allocation.
public struct TraceID: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// All zero is the invalid id.
    public var isZero: Bool { high == 0 && low == 0 }

    /// 32 lowercase hex digits, as in `traceparent` and in log lines (`trace.id`).
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { text in
            Hex.write(high, count: 16, to: text, at: 0)
            Hex.write(low, count: 16, to: text, at: 16)
            return 32
        }
    }
}
