import Locking
import Postgres

/// Statement texts by shape, composed once. A read's statement is assembled from fixed parts on every request
/// (`SQL.joining` renumbers placeholders and copies the text), yet between requests of one shape only the binds
/// differ: composing costs about a tenth of a GetEndUser's instructions (callgrind). Bounded: shapes past the
/// bound are composed every time, so no input can grow this without limit.
enum ComposedStatements {
    /// A shape given as its parts (fixed texts, a filter's text), never joined: a list's shape is about a
    /// kilobyte, and concatenating it and hashing it with `String`'s SipHash costs ~10k instructions per request.
    /// Hashed with `ByteHash`: the parts are the server's own SQL, not its clients' bytes.
    private struct Shape: Hashable {
        let parts: [String]

        func hash(into hasher: inout Hasher) {
            var combined: UInt64 = 0
            for part in parts { combined = (combined &* 0x9E37_79B9_7F4A_7C15) ^ ByteHash.of(part) }
            hasher.combine(combined)
        }
    }

    /// A remembered composition: its text, where its placeholders stand, and its `ByteHash`, which the
    /// connection's prepared-statement lookup then need not compute.
    private struct Composition {
        let text: String
        let placeholderOffsets: [Int]
        let digest: UInt64
    }

    private static let texts = Locked<[Shape: Composition]>([:])
    static let capacity = 256

    /// `compose()`'s statement: its text remembered under the shape `parts` make (everything but the binds),
    /// with `binds`, which the caller lists in the order the composition places them. Debug builds (the tests)
    /// compose every time and check both.
    static func statement(shape parts: String..., binds: [PostgresBind], compose: () -> SQL) -> SQL {
        statement(shape: parts, binds: binds, compose: compose)
    }

    static func statement(shape parts: [String], binds: [PostgresBind], compose: () -> SQL) -> SQL {
        let shape = Shape(parts: parts)
        #if DEBUG
        let composed = compose()
        precondition(composed.binds == binds, "the binds of \(shape) are not in the order of its composition")
        #endif
        let known = texts.withLock { $0[shape] } ?? remember(compose(), as: shape)
        let sql = SQL(text: known.text, binds: binds, placeholderOffsets: known.placeholderOffsets, knownDigest: known.digest)
        #if DEBUG
        precondition(sql.text == composed.text, "the text remembered for \(shape) differs from its composition")
        precondition(known.digest == ByteHash.of(sql.text), "the digest remembered for \(shape) is not its text's")
        #endif
        return sql
    }

    private static func remember(_ composed: SQL, as shape: Shape) -> Composition {
        let known = Composition(text: composed.text, placeholderOffsets: composed.placeholderOffsets, digest: ByteHash.of(composed.text))
        texts.withLock { texts in
            if texts.count < capacity { texts[shape] = known }
        }
        return known
    }
}
