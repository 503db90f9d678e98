/// `application/x-www-form-urlencoded` decoding of a query string (WHATWG URL §5.1).
public enum QueryString {
    public static func decode(_ query: String) -> [(name: String, value: String)] { decodeNoting(query).pairs }

    /// The pairs, and the first parameter whose name or value decodes to a NUL (`%00`), named as sent: libpq ends a
    /// text value at a NUL, so such a value would be read as a shorter one, and a request's query refuses it.
    static func decodeNoting(_ query: String) -> (pairs: [(name: String, value: String)], nulParameter: String?) {
        var nulParameter: String?
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            var sawNUL = false
            let name = percentDecode(parts[0], plusIsSpace: true, sawNUL: &sawNUL)
            var valueNUL = false
            let value = parts.count > 1 ? percentDecode(parts[1], plusIsSpace: true, sawNUL: &valueNUL) : ""
            if nulParameter == nil, sawNUL || valueNUL { nulParameter = sawNUL ? String(parts[0]) : name }
            return (name: name, value: value)
        }
        return (pairs, nulParameter)
    }

    /// Percent-decodes, turning '+' into a space; malformed escapes are kept literally.
    public static func percentDecode(_ text: Substring, plusIsSpace: Bool = true) -> String {
        var sawNUL = false
        return percentDecode(text, plusIsSpace: plusIsSpace, sawNUL: &sawNUL)
    }

    private static func percentDecode(_ text: Substring, plusIsSpace: Bool, sawNUL: inout Bool) -> String {
        var text = text
        return text.withUTF8 { percentDecode($0, plusIsSpace: plusIsSpace, sawNUL: &sawNUL) }
    }

    /// `percentDecode` over UTF-8 bytes, setting `sawNUL` when a `%00` decodes to a NUL. Most values (ids, names)
    /// have nothing to decode and become a string as they are.
    static func percentDecode(_ text: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool, sawNUL: inout Bool) -> String {
        if !text.contains(where: { $0 == UInt8(ascii: "%") || ($0 == UInt8(ascii: "+") && plusIsSpace) }) {
            return String(decoding: text, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var iterator = text[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]),
               let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                if high | low == 0 { sawNUL = true }
                iterator.removeFirst(2)
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
