/// Serialises a `JSONValue`; compact when `indent` is nil. It runs for every response, so fixed text is appended
/// from buffers (one copy each) rather than byte by byte.
struct JSONWriter {
    /// A newline followed by the indentation of each level: `newline()` appends a prefix of it.
    private let newlineAndIndent: [UInt8]?
    private let indentWidth: Int
    var output: [UInt8] = []
    private var level = 0

    /// Two spaces per level, prepared for 16 levels.
    private static let twoSpaceIndent = Array("\n".utf8) + Array(repeating: UInt8(ascii: " "), count: 32)

    init(indent: String?) {
        indentWidth = indent?.utf8.count ?? 0
        newlineAndIndent = indent.map { indent in
            indent == "  " ? Self.twoSpaceIndent : Array("\n".utf8) + Array(repeating: Array(indent.utf8), count: 16).joined()
        }
        // A typical answer (an end user with its connection) is 1-2 KiB pretty-printed: grow once, not five times.
        output.reserveCapacity(indent == nil ? 512 : 2048)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements): writeArray(elements)
        case .object(let object): writeObject(object)
        }
    }

    private mutating func append(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func writeArray(_ elements: [JSONValue]) {
        guard !elements.isEmpty else { return append("[]") }
        output.append(UInt8(ascii: "["))
        level += 1
        var first = true
        for element in elements {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            newline()
            write(element)
        }
        level -= 1
        newline()
        output.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject) {
        guard !object.isEmpty else { return append("{}") }
        output.append(UInt8(ascii: "{"))
        level += 1
        var first = true
        for member in object.members {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            newline()
            writeString(member.key)
            if indentWidth > 0 { append(": ") } else { output.append(UInt8(ascii: ":")) }
            write(member.value)
        }
        level -= 1
        newline()
        output.append(UInt8(ascii: "}"))
    }

    private mutating func newline() {
        guard let newlineAndIndent else { return }
        let wanted = 1 + level * indentWidth
        if wanted <= newlineAndIndent.count {
            newlineAndIndent.withUnsafeBufferPointer { output.append(contentsOf: $0.prefix(wanted)) }
        } else {
            // Deeper than the prepared indentation (stored JSON can nest up to the parser's limit).
            output.append(contentsOf: newlineAndIndent)
            let indent = newlineAndIndent[1...indentWidth]
            for _ in 0..<(level - (newlineAndIndent.count - 1) / indentWidth) { output.append(contentsOf: indent) }
        }
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
        var string = string
        let plain = string.withUTF8 { bytes in
            if bytes.contains(where: Self.needsEscape) { return false }
            output.append(contentsOf: bytes)
            return true
        }
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
