/// Lowercase hexadecimal, the only form W3C Trace Context admits (uppercase is invalid, not folded). Wrapping
/// arithmetic on raw pointers: these run for every request, and checked arithmetic per digit cost several times
/// the work itself (callgrind).
enum Hex {
    /// The value of `count` lowercase hex digits at `offset` (at most 16), or nil when any is not one.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, count: Int) -> UInt64? {
        precondition(offset >= 0 && count <= 16 && offset + count <= bytes.count)
        let base = bytes.baseAddress!
        var value: UInt64 = 0
        var index = offset
        let end = offset &+ count
        while index < end {
            let byte = base[index]
            let nibble: UInt8
            if byte &- 0x30 < 10 {  // 0-9
                nibble = byte &- 0x30
            } else if byte &- 0x61 < 6 {  // a-f
                nibble = byte &- 0x57
            } else {
                return nil
            }
            value = value << 4 | UInt64(nibble)
            index &+= 1
        }
        return value
    }

    /// Writes `value`'s low `count` nibbles (at most 16) as lowercase hex at `offset`.
    @inline(__always)
    static func write(_ value: UInt64, count: Int, to text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        precondition(offset >= 0 && count <= 16 && offset + count <= text.count)
        let base = text.baseAddress!
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        var value = value
        var index = offset &+ count
        while index > offset {
            index &-= 1
            base[index] = table[Int(truncatingIfNeeded: value & 0xF)]
            value >>= 4
        }
    }

    /// `count` hex digits of `value` as a string.
    static func string(_ value: UInt64, count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { text in
            write(value, count: count, to: text, at: 0)
            return count
        }
    }
}
