/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
/// `"SELECT id FROM hubs WHERE id = \(hubID) AND organisation_id = \(orgID)"`.
///
/// The text is made only by interpolation and composition (`joining`), which record where each placeholder
/// stands: composing renumbers placeholders by those offsets, never by looking for `$` in the text, so a `$` in a
/// literal or a dollar-quoted body is never taken for one.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String
    public var binds: [PostgresBind]
    /// The UTF-8 offset in `text` of each placeholder's `$`, in order: the i-th (from 0) reads `$(i + 1)` and
    /// stands for `binds[i]`. Empty for a text given whole (`unsafe`).
    package private(set) var placeholderOffsets: [Int]
    /// `ByteHash.of(text)` when a caller already knows it (a remembered composition), so that finding the
    /// prepared statement does not hash a kilobyte of text again.
    package var knownDigest: UInt64?
    /// A read that a read pipeline may answer together with other runs of the same text in one execution
    /// (`MergedReads`): set only where every parameter is valid as text where it stands or carries a cast.
    public var isMergeableRead = false

    /// The text's `ByteHash`, the key of the connection's prepared statements.
    var digest: UInt64 { knownDigest ?? ByteHash.of(text) }

    public init(stringLiteral value: String) {
        self.init(unsafe: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
        placeholderOffsets = stringInterpolation.placeholderOffsets
    }

    /// Raw SQL text, only for migrations and fixed statements: no parameters.
    public init(unsafe text: String) {
        self.text = text
        binds = []
        placeholderOffsets = []
    }

    /// A text made by `joining` or remembered from a composition, with its placeholders' offsets.
    package init(text: String, binds: [PostgresBind], placeholderOffsets: [Int], knownDigest: UInt64? = nil) {
        precondition(binds.count == placeholderOffsets.count, "a statement's binds and placeholders disagree")
        self.text = text
        self.binds = binds
        self.placeholderOffsets = placeholderOffsets
        self.knownDigest = knownDigest
    }

    /// The statement text and the number of parameters; parameter values may be secrets, so never shown.
    public var description: String { "SQL(\(text), binds: \(binds.count))" }

    /// `number`'s decimal digits (a placeholder's number: positive), without the generic integer formatting.
    package static func appendDecimal(_ number: Int, to bytes: inout [UInt8]) {
        if number >= 10 { appendDecimal(number / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// How many digits `appendDecimal` writes for `number`.
    package static func decimalDigits(_ number: Int) -> Int {
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// The text with each placeholder `$n` replaced by what `replacement` writes for n (1-based), the runs between
    /// them copied whole.
    package func rewritingPlaceholders(_ replacement: (Int, inout [UInt8]) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { source in
            out.reserveCapacity(source.count + 16 * placeholderOffsets.count)
            var runStart = 0
            for (index, offset) in placeholderOffsets.enumerated() {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<offset]))
                replacement(index + 1, &out)
                runStart = offset + 1 + SQL.decimalDigits(index + 1)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
        }
        return out
    }

    /// Builds the text as bytes and makes it a `String` once: appending each literal to a `String` costs ~2.5k
    /// instructions apiece, and CreateEndUserConnection's statement has ~30 of them.
    public struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []
        var binds: [PostgresBind] = []
        var placeholderOffsets: [Int] = []

        var text: String { String(decoding: bytes, as: UTF8.self) }

        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
            placeholderOffsets.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            var literal = literal
            literal.withUTF8 { bytes.append(contentsOf: $0) }
        }

        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            binds.append(value.postgresBind)
            appendPlaceholder()
        }

        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            binds.append(value?.postgresBind ?? .null)
            appendPlaceholder()
        }

        private mutating func appendPlaceholder() {
            placeholderOffsets.append(bytes.count)
            bytes.append(UInt8(ascii: "$"))
            SQL.appendDecimal(binds.count, to: &bytes)
        }
    }
}
