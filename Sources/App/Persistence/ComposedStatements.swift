import Locking
import Postgres

/// Statement texts by shape, composed once. A read's statement is assembled from fixed parts on every request
/// (`SQL.appending` renumbers placeholders and copies the text), yet between requests of one shape only the binds
/// differ: composing cost about a tenth of a GetEndUser's instructions (callgrind). Bounded: shapes past the
/// bound are composed every time, so no input can grow this without limit.
enum ComposedStatements {
    private static let texts = Locked<[String: String]>([:])
    static let capacity = 256

    /// `compose()`'s statement: its text remembered under `shape`, with `binds`, which the caller lists in the
    /// order the composition places them. Debug builds (the tests) compose every time and check both.
    static func statement(shape: String, binds: [PostgresBind], compose: () -> SQL) -> SQL {
        #if DEBUG
        let composed = compose()
        precondition(composed.binds == binds, "the binds of \(shape) are not in the order of its composition")
        #endif
        let text = texts.withLock { $0[shape] } ?? remember(compose().text, as: shape)
        var sql = SQL(unsafe: text)
        sql.binds = binds
        #if DEBUG
        precondition(sql.text == composed.text, "the text remembered for \(shape) differs from its composition")
        #endif
        return sql
    }

    private static func remember(_ text: String, as shape: String) -> String {
        texts.withLock { texts in
            if texts.count < capacity { texts[shape] = text }
        }
        return text
    }
}
