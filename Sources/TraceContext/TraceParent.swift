/// The `traceparent` header of W3C Trace Context Level 1: `version-traceid-parentid-flags`, lowercase hex.
///
/// Parsing follows the spec's rules: version `00` is exactly 55 characters; version `ff` is invalid; a higher
/// version is read by the `00` layout for its first 55 characters and may go on only after a `-` (forward
/// compatibility, §4.3), and of its flags only the sampled bit is kept, since the other bits mean what that version
/// says. An all-zero trace id or parent id is invalid. Anything invalid parses to nil: the caller starts a new
/// trace, as the spec asks, rather than refusing the request.
public struct TraceParent: Sendable, Equatable {
    /// The version received; formatting always writes `00`, the only one this server speaks.
    public var version: UInt8
    public var traceID: TraceID
    /// The span of the caller: the parent of the span that handles this request.
    public var parentID: UInt64
    public var flags: UInt8

    public static let length = 55

    public init(traceID: TraceID, parentID: UInt64, flags: UInt8) {
        self.version = 0
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// The caller asked for the trace to be recorded (flag bit 0).
    public var sampled: Bool { flags & 1 == 1 }

    public init?(parsing value: String) {
        var value = value
        guard let parsed = value.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> TraceParent? {
        guard bytes.count >= length, let version = Hex.parse(bytes, at: 0, count: 2), version != 0xFF else { return nil }
        if version == 0 {
            guard bytes.count == length else { return nil }
        } else if bytes.count > length {
            guard bytes[length] == UInt8(ascii: "-") else { return nil }
        }
        let dash = UInt8(ascii: "-")
        guard bytes[2] == dash, bytes[35] == dash, bytes[52] == dash,
              let high = Hex.parse(bytes, at: 3, count: 16), let low = Hex.parse(bytes, at: 19, count: 16),
              let parent = Hex.parse(bytes, at: 36, count: 16), let flags = Hex.parse(bytes, at: 53, count: 2)
        else { return nil }
        let traceID = TraceID(high: high, low: low)
        guard !traceID.isZero, parent != 0 else { return nil }
        var parsed = TraceParent(traceID: traceID, parentID: parent, flags: UInt8(flags) & (version == 0 ? 0xFF : 0x01))
        parsed.version = UInt8(version)
        return parsed
    }

    /// `00-<trace id>-<parent id>-<flags>`.
    public var header: String {
        String(unsafeUninitializedCapacity: Self.length) { text in
            let dash = UInt8(ascii: "-")
            text[0] = UInt8(ascii: "0")
            text[1] = UInt8(ascii: "0")
            text[2] = dash
            Hex.write(traceID.high, count: 16, to: text, at: 3)
            Hex.write(traceID.low, count: 16, to: text, at: 19)
            text[35] = dash
            Hex.write(parentID, count: 16, to: text, at: 36)
            text[52] = dash
            Hex.write(UInt64(flags), count: 2, to: text, at: 53)
            return Self.length
        }
    }
}
