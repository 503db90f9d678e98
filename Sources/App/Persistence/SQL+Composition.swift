import Postgres

extension SQL {
    /// This statement, a space, then `other`, renumbering `other`'s `$n` placeholders after this one's, so a query
    /// can be assembled from fixed parts (a filter, then the paging clause for one direction). Statement texts
    /// here never contain `$` except as placeholders. Works on UTF-8 bytes: it runs for every request.
    consuming func appending(_ other: SQL) -> SQL {
        // Consuming: the chain `a.appending(b).appending(c)` grows one text in place instead of copying it at
        // every step.
        let offset = binds.count
        var combined = self
        combined.binds += other.binds
        var otherText = other.text
        otherText.withUTF8 { part in
            guard offset > 0, var dollar = part.offset(of: UInt8(ascii: "$")) else {
                combined.text.append(" ")
                combined.text.append(other.text)
                return
            }
            var bytes: [UInt8] = [UInt8(ascii: " ")]
            bytes.reserveCapacity(part.count + 16)
            // Text between placeholders is copied in runs; each `$n` is written again as `$(n + offset)`.
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
            combined.text.append(String(decoding: bytes, as: UTF8.self))
        }
        return combined
    }
}
