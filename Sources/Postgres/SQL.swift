/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
/// `"SELECT id FROM hubs WHERE id = \(hubID) AND organisation_id = \(orgID)"`.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var text: String { didSet { knownDigest = nil } }
    public var binds: [PostgresBind]
    /// `ByteHash.of(text)` when a caller already knows it (a remembered composition), so that finding the
    /// prepared statement does not hash a kilobyte of text again. Cleared whenever `text` changes.
    package var knownDigest: UInt64?
    /// A read that a read pipeline may answer together with other runs of the same text in one execution
    /// (`MergedReads`): set only where every parameter is valid as text where it stands or carries a cast.
    public var isMergeableRead = false

    /// The text's `ByteHash`, the key of the connection's prepared statements.
    var digest: UInt64 { knownDigest ?? ByteHash.of(text) }

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    /// Raw SQL text, only for migrations and fixed statements: no parameters.
    public init(unsafe text: String) {
        self.text = text
        binds = []
    }

    /// The statement text and the number of parameters; parameter values may be secrets, so never shown.
    public var description: String { "SQL(\(text), binds: \(binds.count))" }

    /// `number`'s decimal digits (a placeholder's number: positive). `String(number)` went through the generic
    /// integer formatting, twice per placeholder of a composed statement.
    package static func appendDecimal(_ number: Int, to bytes: inout [UInt8]) {
        if number >= 10 { appendDecimal(number / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// Builds the text as bytes and makes it a `String` once: appending each literal to a `String` costs ~2.5k
    /// instructions apiece, and CreateEndUserConnection's statement has ~30 of them.
    public struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []
        var binds: [PostgresBind] = []

        var text: String { String(decoding: bytes, as: UTF8.self) }

        public init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
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
            bytes.append(UInt8(ascii: "$"))
            SQL.appendDecimal(binds.count, to: &bytes)
        }
    }
}
