extension SQL {
    /// This statement, a space, then `other`, so a query can be assembled from fixed parts (a filter, then the
    /// paging clause for one direction).
    public func appending(_ other: SQL) -> SQL { SQL.joining([self, other]) }

    /// The parts separated by spaces, with their binds in order. Placeholders are numbered when the text is
    /// rendered, so joining copies pieces and binds only.
    public static func joining(_ parts: [SQL]) -> SQL {
        var pieces: [Piece] = []
        pieces.reserveCapacity(parts.reduce(parts.count) { $0 + $1.pieceCount })
        var binds: [PostgresBind] = []
        binds.reserveCapacity(parts.reduce(0) { $0 + $1.binds.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { pieces.append(Piece(" ")) }
            part.appendPieces(to: &pieces)
            binds += part.binds
        }
        return SQL(pieces: pieces, binds: binds)
    }

    /// `statement` with fixed SQL text (column lists written in code, never input) before and after it.
    public static func around(_ prefix: String, _ statement: SQL, _ suffix: String = "") -> SQL {
        joining([SQL(unsafe: prefix), statement, SQL(unsafe: suffix)])
    }
}
