/// Serialises a `JSONValue`; compact when `indent` is nil.
struct JSONWriter {
    let indent: [UInt8]?
    var output: [UInt8] = []
    private var level = 0

    init(indent: String?) {
        self.indent = indent.map { Array($0.utf8) }
        // A typical answer (an end user with its connection) is 1-2 KiB pretty-printed: grow once, not five times.
        output.reserveCapacity(indent == nil ? 512 : 2048)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements): writeArray(elements)
        case .object(let object): writeObject(object)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue]) {
        guard !elements.isEmpty else { return output.append(contentsOf: "[]".utf8) }
        output.append(UInt8(ascii: "["))
        level += 1
        for (position, element) in elements.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            newline()
            write(element)
        }
        level -= 1
        newline()
        output.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject) {
        guard !object.isEmpty else { return output.append(contentsOf: "{}".utf8) }
        output.append(UInt8(ascii: "{"))
        level += 1
        for (position, member) in object.members.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            newline()
            writeString(member.key)
            output.append(UInt8(ascii: ":"))
            if indent != nil { output.append(UInt8(ascii: " ")) }
            write(member.value)
        }
        level -= 1
        newline()
        output.append(UInt8(ascii: "}"))
    }

    private mutating func newline() {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        for _ in 0..<level { output.append(contentsOf: indent) }
    }

    /// Integers within ±2^53 print without a fraction; other finite values use Swift's shortest
    /// round-tripping form (valid JSON); non-finite values cannot be represented and become null.
    private mutating func writeNumber(_ number: Double) {
        guard number.isFinite else { return output.append(contentsOf: "null".utf8) }
        if number.rounded(.towardZero) == number, abs(number) <= 9_007_199_254_740_992 {
            output.append(contentsOf: String(Int64(number)).utf8)
        } else {
            output.append(contentsOf: number.description.utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        // Most strings (ids, names, timestamps) need no escaping: copy them in one go, scanning their bytes
        // in place when the string is stored contiguously (native strings always are).
        let plain = string.utf8.withContiguousStorageIfAvailable { bytes in
            if bytes.contains(where: Self.needsEscape) { return false }
            output.append(contentsOf: bytes)
            return true
        } ?? false
        if plain { return output.append(UInt8(ascii: "\"")) }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(Self.hexDigits[Int(byte >> 4)])
                output.append(Self.hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
