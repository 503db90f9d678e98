import TraceContext

/// Request ids: an incoming `X-Request-Id` is kept when it is 1–200 characters of `[A-Za-z0-9._-]`
/// (safe to log and echo), otherwise the server makes a random 128-bit hex one.
enum RequestID {
    static func honouring(_ incoming: String?, using source: inout RandomBytes) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return generate(using: &source)
    }

    static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...200).contains(utf8.count) && utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// 128 random bits as 32 hex digits, drawn from `source` (an event loop keeps one, so a request costs no
    /// getrandom call of its own).
    static func generate(using source: inout RandomBytes) -> String {
        String(unsafeUninitializedCapacity: 32) { text in
            for index in 0..<16 {
                let byte = source.next()
                text[index * 2] = hexDigit(byte >> 4)
                text[index * 2 + 1] = hexDigit(byte & 0xF)
            }
            return 32
        }
    }

    /// From static text: an `Array` made here per call would be an allocation per request.
    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        let digits: StaticString = "0123456789abcdef"
        return digits.utf8Start[Int(nibble)]
    }
}
