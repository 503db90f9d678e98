import Testing
@testable import TraceContext

/// `traceparent` against W3C Trace Context Level 1 §3.2 (format) and §4.3 (versioning), with the spec's own
/// examples and every way its rules say a value is invalid.
@Suite struct TraceParentTests {
    static let example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let traceHex = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test func readsTheSpecExample() throws {
        let parent = try #require(TraceParent(parsing: Self.example))
        #expect(parent.version == 0)
        #expect(parent.traceID == TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736))
        #expect(parent.traceID.hex == Self.traceHex)
        #expect(parent.parentID == 0x00f0_67aa_0ba9_02b7)
        #expect(parent.flags == 1)
        #expect(parent.sampled)
        #expect(parent.header == Self.example)
    }

    @Test func keepsEveryFlagOfVersionZero() throws {
        let unsampled = try #require(TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        #expect(unsampled.flags == 0 && !unsampled.sampled)
        let all = try #require(TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"))
        #expect(all.flags == 0xFF)
        #expect(all.header.hasSuffix("-ff"))
    }

    @Test(arguments: [
        // Uppercase is not folded: the grammar is HEXDIGLC.
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // All-zero ids.
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        // Version ff is forbidden.
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // Version 00 is exactly 55 characters.
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-1",
        // Not hex, wrong delimiters, padding.
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "",
        "00",
        "00-4bf92f3577b34da6a3ce929d0e0e4736",
        // A future version still needs the 00 layout, and only a dash may follow it.
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what-the-future-will-be-like",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0101",
        "cc-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
    ])
    func refuses(_ value: String) {
        #expect(TraceParent(parsing: value) == nil, "\(value)")
    }

    @Test func readsAFutureVersionByTheLayoutOfVersionZero() throws {
        for value in [
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "fe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
        ] {
            let parent = try #require(TraceParent(parsing: value), "\(value)")
            #expect(parent.traceID.hex == Self.traceHex)
            #expect(parent.parentID == 0x00f0_67aa_0ba9_02b7)
            #expect(parent.header == Self.example, "written as the version this server speaks")
        }
        let version = try #require(TraceParent(parsing: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(version.version == 0xCC)
    }

    @Test func keepsOnlyTheSampledBitOfAFutureVersion() throws {
        let sampled = try #require(TraceParent(parsing: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"))
        #expect(sampled.flags == 1)
        let unsampled = try #require(TraceParent(parsing: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe"))
        #expect(unsampled.flags == 0)
    }

    @Test func formatsZeroPaddedLowercaseHex() {
        let parent = TraceParent(traceID: TraceID(high: 0, low: 0xAB), parentID: 0xC, flags: 0x0F)
        #expect(parent.header == "00-000000000000000000000000000000ab-000000000000000c-0f")
        #expect(TraceParent(parsing: parent.header) == parent)
    }
}
