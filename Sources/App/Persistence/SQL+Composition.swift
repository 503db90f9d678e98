import Postgres

extension SQL {
    /// This statement, a space, then `other`, renumbering `other`'s `$n` placeholders after this one's, so a query
    /// can be assembled from fixed parts (a filter, then the paging clause for one direction). Statement texts
    /// here never contain `$` except as placeholders.
    func appending(_ other: SQL) -> SQL {
        var combined = self
        let offset = binds.count
        var text = " "
        var scalars = other.text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            text.unicodeScalars.append(scalar)
            guard scalar == "$" else { continue }
            var digits = ""
            while let next = scalars.first, next.properties.numericType == .decimal, next.isASCII {
                digits.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            text += digits.isEmpty ? "" : String(Int(digits)! + offset)
        }
        combined.text += text
        combined.binds += other.binds
        return combined
    }
}
