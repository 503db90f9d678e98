import Locking

/// Statement texts rendered from their pieces, by shape: a statement of a known shape (the same literals, fixed
/// texts and placeholders in the same order) costs a hash of its pieces' addresses and a comparison, not the
/// copying, numbering and hashing of its text (a kilobyte or more for a create). Bounded: past `capacity` shapes,
/// a statement is rendered each time it is asked for, so no input can grow this without limit.
package enum RenderedStatements {
    /// A rendered text and its `ByteHash`.
    package final class Rendering: Sendable {
        let text: String
        let digest: UInt64

        init(text: String, digest: UInt64) {
            self.text = text
            self.digest = digest
        }
    }

    private struct Shape: Hashable {
        let pieces: [SQL.Piece]
        let hash: UInt64

        init(_ pieces: [SQL.Piece]) {
            self.pieces = pieces
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for piece in pieces {
                let value: UInt64 =
                    switch piece {
                    case .literal(let literal): UInt64(UInt(bitPattern: literal.utf8Start)) ^ UInt64(literal.utf8CodeUnitCount) << 48
                    case .text(let fixed): fixed.hash
                    case .placeholder: 0x9E37_79B9_7F4A_7C15
                    }
                hash = (hash ^ value) &* 0x0000_0100_0000_01b3
                hash ^= hash >> 29
            }
            self.hash = hash
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (lhs: Shape, rhs: Shape) -> Bool { lhs.hash == rhs.hash && lhs.pieces == rhs.pieces }
    }

    static let capacity = 1024
    /// `Locked`, not Synchronization's `Mutex`, which ThreadSanitizer cannot see.
    private static let renderings = Locked<[Shape: Rendering]>([:])

    static func rendering(of pieces: [SQL.Piece]) -> Rendering {
        let shape = Shape(pieces)
        if let known = renderings.withLock({ $0[shape] }) { return known }
        let text = String(decoding: SQL(pieces: pieces, binds: []).render { number, bytes in
            bytes.append(UInt8(ascii: "$"))
            SQL.appendDecimal(number, to: &bytes)
        }, as: UTF8.self)
        let rendering = Rendering(text: text, digest: ByteHash.of(text))
        renderings.withLock { renderings in
            if renderings.count < capacity { renderings[shape] = rendering }
        }
        return rendering
    }
}
