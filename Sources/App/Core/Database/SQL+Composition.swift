import Postgres

extension SQL {
    /// This statement, a space, then `other`, renumbering `other`'s `$n` placeholders after this one's, so a query
    /// can be assembled from fixed parts (a filter, then the paging clause for one direction).
    func appending(_ other: SQL) -> SQL { SQL.joining([self, other]) }

    /// The parts separated by spaces, each part's `$n` placeholders renumbered after the binds of the parts
    /// before it. One buffer and one `String` for the whole statement: a chain of `appending` copies the growing
    /// text at every step, ~40k instructions for a create's statement. Statement texts here never contain `$`
    /// except as placeholders. Works on UTF-8 bytes: it runs for every create.
    static func joining(_ parts: [SQL]) -> SQL {
        var bytes: [UInt8] = []
        // Renumbering can lengthen a placeholder by a digit or two.
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.text.utf8.count + 2 * $1.binds.count + 1 })
        var binds: [PostgresBind] = []
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            appendRenumbered(part.text, after: binds.count, to: &bytes)
            binds += part.binds
        }
        var joined = SQL(unsafe: String(decoding: bytes, as: UTF8.self))
        joined.binds = binds
        return joined
    }

    /// `text` with each `$n` written as `$(n + offset)`; the runs between placeholders are copied whole.
    private static func appendRenumbered(_ text: String, after offset: Int, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { part in
            guard offset > 0, var dollar = part.offset(of: UInt8(ascii: "$")) else {
                bytes.append(contentsOf: part)
                return
            }
            var runStart = 0
            while true {
                var position = dollar + 1
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: part[runStart..<position]))
                var number = 0
                while position < part.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(part[position]) {
                    number = number * 10 + Int(part[position] - UInt8(ascii: "0"))
                    position += 1
                }
                if position > dollar + 1 { SQL.appendDecimal(number + offset, to: &bytes) }
                runStart = position
                guard let next = part.offset(of: UInt8(ascii: "$"), from: position) else { break }
                dollar = next
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: part[runStart...]))
        }
    }
}
