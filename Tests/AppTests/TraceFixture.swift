/// A caller's W3C trace context (the spec's example), for the tests that follow a trace through the App.
enum TraceFixture {
    static let traceHex = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID: UInt64 = 0x00f0_67aa_0ba9_02b7
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
}
