extension SQL {
    /// This statement, a space, then `other`, renumbering `other`'s placeholders after this one's, so a query can
    /// be assembled from fixed parts (a filter, then the paging clause for one direction).
    public func appending(_ other: SQL) -> SQL { SQL.joining([self, other]) }

    /// The parts separated by spaces, each part's placeholders renumbered after the binds of the parts before it
    /// (by their recorded offsets). One buffer and one `String` for the whole statement: a chain of `appending`
    /// copies the growing text at every step, ~40k instructions for a create's statement.
    public static func joining(_ parts: [SQL]) -> SQL {
        var bytes: [UInt8] = []
        // Renumbering can lengthen a placeholder by a digit or two.
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.text.utf8.count + 2 * $1.binds.count + 1 })
        var binds: [PostgresBind] = []
        var offsets: [Int] = []
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            let start = bytes.count, before = binds.count
            if before == 0 {
                var text = part.text
                text.withUTF8 { bytes.append(contentsOf: $0) }
                offsets += part.placeholderOffsets.lazy.map { start + $0 }
            } else {
                bytes += part.rewritingPlaceholders { number, out in
                    offsets.append(start + out.count)
                    out.append(UInt8(ascii: "$"))
                    SQL.appendDecimal(before + number, to: &out)
                }
            }
            binds += part.binds
        }
        return SQL(text: String(decoding: bytes, as: UTF8.self), binds: binds, placeholderOffsets: offsets)
    }

    /// `statement` with fixed SQL text (column lists written in code, never input) before and after it.
    public static func around(_ prefix: String, _ statement: SQL, _ suffix: String = "") -> SQL {
        joining([SQL(unsafe: prefix), statement, SQL(unsafe: suffix)])
    }
}
