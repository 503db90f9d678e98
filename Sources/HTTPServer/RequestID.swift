/// Request ids: an incoming `X-Request-Id` is kept when it is 1–200 characters of `[A-Za-z0-9._-]`
/// (safe to log and echo), otherwise the server makes a random 128-bit hex one.
enum RequestID {
    static func honouring(_ incoming: String?) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return generate()
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

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 32)
        for half in 0..<2 {
            var value = generator.next() as UInt64
            for index in 0..<16 {
                bytes[half * 16 + index] = digits[Int(value & 0xF)]
                value >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
