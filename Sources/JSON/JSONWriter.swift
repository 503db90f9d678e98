/// Serialises a `JSONValue`, compact or indented by two spaces per level. It runs for every response, so fixed
/// text is appended from buffers (one copy each) rather than byte by byte.
struct JSONWriter: ~Copyable {
    private let pretty: Bool
    private var output: ByteOutput
    private var level = 0

    /// A newline and the indentation of 16 levels: `newline()` appends a prefix of it.
    private static let newlineAndIndent = Array("\n".utf8) + Array(repeating: UInt8(ascii: " "), count: 32)

    init(pretty: Bool) {
        self.pretty = pretty
        // A typical answer (an end user with its connection) is 1-2 KiB pretty-printed: grow once, not five times.
        output = ByteOutput(capacity: pretty ? 2048 : 512)
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

    private mutating func append(_ text: StaticString) { output.put(text) }

    /// The text written, with room for one more byte.
    consuming func finish() -> [UInt8] { output.finish() }

    private mutating func writeArray(_ elements: [JSONValue]) {
        guard !elements.isEmpty else { return append("[]") }
        output.put(UInt8(ascii: "["))
        level += 1
        var first = true
        for element in elements {
            if !first { output.put(UInt8(ascii: ",")) }
            first = false
            newline()
            write(element)
        }
        level -= 1
        newline()
        output.put(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject) {
        guard !object.isEmpty else { return append("{}") }
        output.put(UInt8(ascii: "{"))
        level += 1
        var first = true
        for member in object.members {
            if !first { output.put(UInt8(ascii: ",")) }
            first = false
            newline()
            writeString(member.key)
            if pretty { append(": ") } else { output.put(UInt8(ascii: ":")) }
            write(member.value)
        }
        level -= 1
        newline()
        output.put(UInt8(ascii: "}"))
    }

    private mutating func newline() {
        guard pretty else { return }
        Self.newlineAndIndent.withUnsafeBufferPointer { table in
            let wanted = 1 + 2 * level
            if wanted <= table.count { return output.put(UnsafeBufferPointer(rebasing: table.prefix(wanted))) }
            // Deeper than the table (stored JSON can nest up to the parser's limit): the rest in whole tables.
            output.put(table)
            var missing = wanted - table.count
            while missing > 0 {
                let spaces = Swift.min(missing, table.count - 1)
                output.put(UnsafeBufferPointer(rebasing: table[1...spaces]))
                missing -= spaces
            }
        }
    }

    /// Integers within ±2^53 print without a fraction; other finite values use Swift's shortest
    /// round-tripping form (valid JSON); non-finite values cannot be represented and become null.
    private mutating func writeNumber(_ number: Double) {
        guard number.isFinite else { return append("null") }
        if number.rounded(.towardZero) == number, abs(number) <= 9_007_199_254_740_992 {
            var text = String(Int64(number))
            text.withUTF8 { output.put($0) }
        } else {
            var text = number.description
            text.withUTF8 { output.put($0) }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether no byte needs escaping, eight bytes at a time: a word has a byte below n (n ≤ 128) exactly when
    /// `(w - n·0x01…) & ~w & 0x80…` is non-zero, and a byte equal to c when `w ^ c·0x01…` has one below 1.
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ word: UInt64, _ bound: UInt64) -> Bool { (word &- ones &* bound) & ~word & highs != 0 }
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1) || hasByteBelow(word ^ (ones &* 0x5C), 1) {
                return false
            }
            offset += 8
        }
        while offset < raw.count {
            if needsEscape(raw[offset]) { return false }
            offset += 1
        }
        return true
    }

    private mutating func writeString(_ string: String) {
        output.put(UInt8(ascii: "\""))
        // Most strings (ids, names, timestamps) need no escaping: copy them in one go, scanning their bytes
        // in place when the string is stored contiguously (native strings always are).
        var string = string
        let plain = string.withUTF8 { bytes in
            if !Self.isPlain(bytes) { return false }
            output.put(bytes)
            return true
        }
        if plain { return output.put(UInt8(ascii: "\"")) }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                append("\\u00")
                output.put(Self.hexDigits[Int(byte >> 4)])
                output.put(Self.hexDigits[Int(byte & 0x0F)])
            default: output.put(byte)
            }
        }
        output.put(UInt8(ascii: "\""))
    }
}
