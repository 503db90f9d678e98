/// A ULID: 48-bit millisecond timestamp plus 80 random bits, as 26 Crockford base32 characters (uppercase).
public struct ULID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The canonical, uppercase text form.
    public let string: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Validates and normalises (uppercases) a 26-character ULID; nil when it is not one.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, bytes[0] <= UInt8(ascii: "7") else { return nil }
        var normalised: [UInt8] = []
        normalised.reserveCapacity(26)
        for byte in bytes {
            let upper = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
            guard Self.alphabet.contains(upper) else { return nil }
            normalised.append(upper)
        }
        string = String(decoding: normalised, as: UTF8.self)
    }

    /// A new ULID for `time` (default now) using a cryptographically secure generator.
    public static func generate(at time: Timestamp = .now()) -> ULID {
        var generator = SystemRandomNumberGenerator()
        return generate(at: time, using: &generator)
    }

    public static func generate(at time: Timestamp, using generator: inout some RandomNumberGenerator) -> ULID {
        let milliseconds = UInt64(max(0, time.microsecondsSinceEpoch / 1000)) & 0xFFFF_FFFF_FFFF
        let randomHigh = UInt16.random(in: .min ... .max, using: &generator)
        let randomLow = UInt64.random(in: .min ... .max, using: &generator)
        // 128 bits = time(48) | high(16) | low(64), encoded 5 bits at a time from the top (first char holds 3 bits).
        let upper = milliseconds << 16 | UInt64(randomHigh)
        var characters = [UInt8](repeating: 0, count: 26)
        for position in 0..<26 {
            let bitOffset = 125 - position * 5  // lowest bit of this character; 130 bits, top two zero
            let value = Self.bits(upper: upper, lower: randomLow, shift: bitOffset)
            characters[position] = alphabet[Int(value)]
        }
        return ULID(uncheckedString: String(decoding: characters, as: UTF8.self))
    }

    /// Five bits of the 128-bit number `upper:lower` starting at bit `shift` (0 = least significant).
    private static func bits(upper: UInt64, lower: UInt64, shift: Int) -> UInt64 {
        if shift >= 64 { return (upper >> UInt64(shift - 64)) & 0x1F }
        if shift + 5 <= 64 { return (lower >> UInt64(shift)) & 0x1F }
        let fromLower = lower >> UInt64(shift)
        let fromUpper = upper << UInt64(64 - shift)
        return (fromLower | fromUpper) & 0x1F
    }

    private init(uncheckedString: String) { string = uncheckedString }

    /// Milliseconds since the Unix epoch encoded in the first ten characters.
    public var milliseconds: UInt64 {
        string.utf8.prefix(10).reduce(0) { $0 << 5 | UInt64(Self.alphabet.firstIndex(of: $1)!) }
    }

    public var description: String { string }
    public static func < (lhs: ULID, rhs: ULID) -> Bool { lhs.string < rhs.string }
}
