/// A fact the App relies on did not hold: a statement answered rows of another shape than it selects, a column
/// held JSON of another type than the App writes, a write reported success without its row. A server fault,
/// never the caller's: answered 500 with the request id, and logged with `what` (which names the column or the
/// step, never a value).
struct InvariantViolation: Error, Sendable, CustomStringConvertible {
    let what: String

    init(_ what: String) { self.what = what }

    var description: String { "invariant violated: \(what)" }
}
