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
            combined.text += " "
            guard offset > 0, part.contains(UInt8(ascii: "$")) else {
                return combined.text += String(decoding: part, as: UTF8.self)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(part.count + 8)
            // The placeholder being read: its value so far, nil outside one (or right after a bare `$`).
            var number: Int?
            var inPlaceholder = false
            for byte in part {
                if inPlaceholder, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    number = (number ?? 0) * 10 + Int(byte - UInt8(ascii: "0"))
                    continue
                }
                if let current = number { bytes += String(current + offset).utf8 }
                number = nil
                inPlaceholder = byte == UInt8(ascii: "$")
                bytes.append(byte)
            }
            if let current = number { bytes += String(current + offset).utf8 }
            combined.text += String(decoding: bytes, as: UTF8.self)
        }
        return combined
    }
}
