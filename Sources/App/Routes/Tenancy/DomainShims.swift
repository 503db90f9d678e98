import Cryptography
import Foundation

// TEMPORARY: stand-ins for what the Domain module will provide (ULID, RFC 3339 timestamps). Replaced after merge.

/// Server-made ids: ULIDs (26 Crockford base32 characters; 48-bit millisecond time + 80 random bits).
enum Identifier {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func generate(milliseconds: UInt64 = currentMilliseconds()) -> String {
        var value = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { value[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        value.replaceSubrange(6..<16, with: SecureRandom.bytes(count: 10))
        var out: [UInt8] = []
        var bitBuffer = 0, bitCount = 2  // 128 bits → 26 × 5 = 130: two leading zero bits
        for byte in value {
            bitBuffer = (bitBuffer << 8) | Int(byte)
            bitCount += 8
            while bitCount >= 5 {
                bitCount -= 5
                out.append(alphabet[(bitBuffer >> bitCount) & 31])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Exactly 26 upper-case Crockford characters, first at most '7'. Anything else cannot name a row.
    static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, bytes[0] <= UInt8(ascii: "7") else { return false }
        return bytes.allSatisfy { alphabet.contains($0) }
    }

    static func currentMilliseconds() -> UInt64 { UInt64(UnixTime.nowSeconds() * 1000) }
}

/// Wall-clock time and RFC 3339 rendering in UTC with microseconds: `2026-11-29T03:35:06.123456Z`.
enum UnixTime {
    static func nowSeconds() -> Double { Date().timeIntervalSince1970 }

    static func rfc3339(micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
