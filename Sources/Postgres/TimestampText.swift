/// Parses PostgreSQL's ISO text output of `timestamptz`, e.g. `2026-11-29 03:35:06.123456+00`
/// (the session runs with `TimeZone=UTC`, `DateStyle=ISO`), into microseconds since the Unix epoch.
/// Offsets `±HH`, `±HH:MM`, `±HH:MM:SS` are honoured; `infinity`, BC dates and 5+ digit years are rejected.
enum TimestampText {
    static func microsecondsSinceEpoch(_ text: String) -> Int64? {
        // Over the string's contiguous UTF-8 (free for native strings): a `String.UTF8View` cursor re-checks
        // its index on every byte, and every row has two timestamps or more.
        var text = text
        return text.withUTF8 { microsecondsSinceEpoch(utf8: $0) }
    }

    static func microsecondsSinceEpoch(utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scanner = DigitScanner(utf8)
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip(" ") || scanner.skip("T"),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }

        var micros: Int64 = 0
        if scanner.skip(".") {
            var scale: Int64 = 100_000
            var digitCount = 0
            while let digit = scanner.digit() {
                digitCount += 1
                guard digitCount <= 6 else { return nil }
                micros += Int64(digit) * scale
                scale /= 10
            }
            guard digitCount > 0 else { return nil }
        }

        var offsetSeconds: Int64 = 0
        if !scanner.isAtEnd {
            let sign: Int64
            if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            var offset = offsetHours * 3600
            if scanner.skip(":") {
                guard let offsetMinutes = scanner.number(digits: 2) else { return nil }
                offset += offsetMinutes * 60
                if scanner.skip(":") {
                    guard let offsetSecs = scanner.number(digits: 2) else { return nil }
                    offset += offsetSecs
                }
            }
            offsetSeconds = sign * offset
        }
        guard scanner.isAtEnd else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over ASCII bytes for fixed-width numeric fields.
struct DigitScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func digit() -> Int64? {
        guard position < bytes.count else { return nil }
        let byte = bytes[position]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        position += 1
        return Int64(byte - UInt8(ascii: "0"))
    }

    mutating func number(digits: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<digits {
            guard let d = digit() else { return nil }
            value = value * 10 + d
        }
        return value
    }
}
