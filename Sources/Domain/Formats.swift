/// Small, strict format checks used by the decoders.
public enum Formats {
    /// An absolute `http://` or `https://` URL with a host and no whitespace or control characters.
    /// By byte, over the string's own storage: the proxy checks its connector's `baseUrl` on every request, and
    /// every delimiter is ASCII.
    public static func isAbsoluteHTTPURL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(isAbsoluteHTTPURL)
            ?? Array(text.utf8).withUnsafeBufferPointer(isAbsoluteHTTPURL)
    }

    private static func isAbsoluteHTTPURL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return false }
        let schemeLength: Int
        if hasPrefixIgnoringCase(bytes, "https://") {
            schemeLength = 8
        } else if hasPrefixIgnoringCase(bytes, "http://") {
            schemeLength = 7
        } else {
            return false
        }
        let authority = bytes[schemeLength...].prefix {
            $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
        }
        let hostStart = authority.lastIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? authority.startIndex
        return hostStart < authority.endIndex && authority[hostStart] != UInt8(ascii: ":")
    }

    /// Whether `bytes` starts with `prefix` (lower-case ASCII letters and punctuation), ignoring the case of ASCII
    /// letters; control bytes, which `| 0x20` would also fold, are refused before.
    private static func hasPrefixIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return bytes.count >= expected.count && zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Go `time.ParseDuration` syntax (`300ms`, `1h30m`, `2.5s`); returns nanoseconds, nil when invalid.
    public static func goDurationNanoseconds(_ text: String) -> Double? {
        var scalars = Substring(text).unicodeScalars[...]
        var sign = 1.0
        if let first = scalars.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        if String(scalars) == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            scalars = scalars.dropFirst(number.count)
            let digits = String(number)
            guard number.contains(where: { $0 != "." }), digits.filter({ $0 == "." }).count <= 1,
                let value = Double(digits.hasPrefix(".") ? "0" + digits : digits + (digits.hasSuffix(".") ? "0" : ""))
            else { return nil }
            let unit = String(scalars.prefix { !("0"..."9").contains($0) && $0 != "." })
            scalars = scalars.dropFirst(unit.unicodeScalars.count)
            guard let scale = durationUnits[unit] else { return nil }
            total += value * scale
        }
        return sign * total
    }

    private static let durationUnits: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// The decoded bytes of standard, padded base64 (RFC 4648 §4); nil when invalid.
    static func base64Decoded(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var chunkStart = 0
        while chunkStart < input.count {
            let chunk = input[chunkStart..<(chunkStart + 4)]
            let isLast = chunkStart + 4 == input.count
            let padding = chunk.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, padding == 0 || isLast else { return nil }
            var bits: UInt32 = 0
            for byte in chunk.prefix(4 - padding) {
                guard let sextet = base64Value(byte) else { return nil }
                bits = bits << 6 | UInt32(sextet)
            }
            bits <<= UInt32(6 * padding)
            let bytes = [UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
            // Unused bits must be zero, or two encodings would mean the same bytes.
            if padding == 1, bytes[2] != 0 { return nil }
            if padding == 2, bytes[1] != 0 { return nil }
            output.append(contentsOf: bytes.prefix(3 - padding))
            chunkStart += 4
        }
        return output
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
