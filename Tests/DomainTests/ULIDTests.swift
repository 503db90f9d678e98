import Domain
import Testing

struct ULIDTests {
    @Test func generatedIdsAreCanonicalAndCarryTheirTime() throws {
        let time = Timestamp(microsecondsSinceEpoch: 1_764_387_306_123_456)
        let id = ULID.generate(at: time)
        #expect(id.string.count == 26)
        #expect(ULID(id.string) == id)
        #expect(id.milliseconds == 1_764_387_306_123)
        #expect(ULID.generate(at: time) != id)
    }

    @Test func knownEncoding() {
        // 48 bits of zero time and all-zero randomness encode as 26 zeros; the max time starts with 7.
        var zeros = ZeroGenerator()
        #expect(ULID.generate(at: Timestamp(microsecondsSinceEpoch: 0), using: &zeros).string == String(repeating: "0", count: 26))
        let maxTime = Timestamp(microsecondsSinceEpoch: Int64(0xFFFF_FFFF_FFFF) * 1000)
        #expect(ULID.generate(at: maxTime, using: &zeros).string == "7ZZZZZZZZZ" + String(repeating: "0", count: 16))
    }

    @Test func ordersByTime() {
        let earlier = ULID.generate(at: Timestamp(microsecondsSinceEpoch: 1_000_000))
        let later = ULID.generate(at: Timestamp(microsecondsSinceEpoch: 2_000_000))
        #expect(earlier < later)
    }

    @Test(arguments: [
        ("01jdq8z7m4v3x2w1t0s9r8q7p6", "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"),
        ("01JDQ8Z7M4V3X2W1T0S9R8Q7P6", "01JDQ8Z7M4V3X2W1T0S9R8Q7P6"),
    ])
    func normalisesToUppercase(input: String, expected: String) {
        #expect(ULID(input)?.string == expected)
    }

    @Test(arguments: [
        "", "01JDQ8Z7M4V3X2W1T0S9R8Q7P", "01JDQ8Z7M4V3X2W1T0S9R8Q7P66", "01JDQ8Z7M4V3X2W1T0S9R8Q7PU",
        "01JDQ8Z7M4V3X2W1T0S9R8Q7PI", "81JDQ8Z7M4V3X2W1T0S9R8Q7P6", "01JDQ8Z7M4V3X2W1T0S9R8Q7P-",
    ])
    func rejectsNonULIDs(_ text: String) {
        #expect(ULID(text) == nil)
    }
}

struct ZeroGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 { 0 }
}
