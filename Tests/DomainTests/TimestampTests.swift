import Domain
import Testing

struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (1_764_387_306_123_456, "2025-11-29T03:35:06.123456Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z"),
        (-62_135_596_800_000_000, "0001-01-01T00:00:00.000000Z"),
    ])
    func formatsAndParsesBack(micros: Int64, text: String) {
        let timestamp = Timestamp(microsecondsSinceEpoch: micros)
        #expect(timestamp.rfc3339 == text)
        #expect(Timestamp(rfc3339: text) == timestamp)
    }

    @Test(arguments: [
        ("2026-11-29T05:35:06+02:00", "2026-11-29T03:35:06.000000Z"),
        ("2026-11-28T22:35:06.5-05:00", "2026-11-29T03:35:06.500000Z"),
        ("2026-11-29t03:35:06.1234567z", "2026-11-29T03:35:06.123456Z"),
    ])
    func parsesOffsetsAndFractions(input: String, normalised: String) {
        #expect(Timestamp(rfc3339: input)?.rfc3339 == normalised)
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29T03:35:06", "2026-11-29 03:35:06Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T03:60:00Z", "2026-11-29T03:35:60Z",
        "2026-11-29T03:35:06.Z", "2026-11-29T03:35:06+0200", "2026-11-29T03:35:06Z ", "26-11-29T03:35:06Z",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func nowIsAfter2025() {
        #expect(Timestamp.now() > Timestamp(rfc3339: "2025-01-01T00:00:00Z")!)
    }
}
