/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
/// `"SELECT id FROM hubs WHERE id = \(hubID) AND organisation_id = \(orgID)"`.
///
/// A statement is kept as its pieces (the literal texts the code wrote, placeholders, and fixed texts given
/// whole) with its binds beside them; composing (`joining`) concatenates pieces and binds, and numbers nothing.
/// The text is rendered from the pieces, numbering placeholders in order, once per shape (`RenderedStatements`):
/// a request of a known shape supplies only its binds, and a `$` written in a literal is never taken for a
/// placeholder.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// One piece without an array: most parts a statement is composed of are a single literal or fixed text.
    private var single: Piece?
    private var many: [Piece]
    public var binds: [PostgresBind]
    /// The text and digest, once `rendered()` has looked them up: a statement on its way to the server is asked
    /// for them several times.
    private var rendering: RenderedStatements.Rendering?

    /// One piece of a statement.
    package enum Piece: Sendable, Equatable {
        /// A literal the code wrote: the same literal is the same bytes at the same address for the process's life,
        /// so a shape is recognised by addresses, without reading its text.
        case literal(StaticString)
        /// A fixed text given whole (`SQL(unsafe:)`), hashed once when made.
        case text(FixedText)
        /// The next parameter's `$n`.
        case placeholder

        init(_ literal: StaticString) {
            self = literal.hasPointerRepresentation ? .literal(literal) : .text(FixedText(literal.description))
        }

        package static func == (lhs: Piece, rhs: Piece) -> Bool {
            switch (lhs, rhs) {
            case (.literal(let a), .literal(let b)): a.utf8Start == b.utf8Start && a.utf8CodeUnitCount == b.utf8CodeUnitCount
            case (.text(let a), .text(let b)): a === b || (a.hash == b.hash && a.text == b.text)
            case (.placeholder, .placeholder): true
            default: false
            }
        }
    }

    /// A text given whole with its `ByteHash`: a statement's shape is hashed on every run, and a fixed text
    /// kept in a `static let` is then hashed once.
    package final class FixedText: Sendable {
        let text: String
        let hash: UInt64

        init(_ text: String) {
            self.text = text
            hash = ByteHash.of(text)
        }
    }

    /// The pieces in order.
    package var pieces: [Piece] { single.map { [$0] } ?? many }
    package var pieceCount: Int { single == nil ? many.count : 1 }

    package func appendPieces(to pieces: inout [Piece]) {
        if let single { pieces.append(single) } else { pieces += many }
    }

    /// The rendered text.
    public var text: String { (rendering ?? RenderedStatements.rendering(of: pieces)).text }
    /// The text's `ByteHash`, the key of the connection's prepared statements.
    var digest: UInt64 { (rendering ?? RenderedStatements.rendering(of: pieces)).digest }

    /// This statement with its text looked up once, for the way to the server.
    package func rendered() -> SQL {
        guard rendering == nil else { return self }
        var sql = self
        sql.rendering = RenderedStatements.rendering(of: pieces)
        return sql
    }

    public init(stringLiteral value: StaticString) {
        single = value.utf8CodeUnitCount > 0 ? Piece(value) : nil
        many = []
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        many = stringInterpolation.pieces
        binds = stringInterpolation.binds
    }

    /// Raw SQL text, only for migrations and fixed statements: no parameters.
    public init(unsafe text: String) {
        single = text.isEmpty ? nil : .text(FixedText(text))
        many = []
        binds = []
    }

    package init(pieces: [Piece], binds: [PostgresBind]) {
        many = pieces
        self.binds = binds
    }

    /// The statement text and the number of parameters; parameter values may be secrets, so never shown.
    public var description: String { "SQL(\(text), binds: \(binds.count))" }

    /// The text with each placeholder written by `placeholder` (given its 1-based number).
    package func render(placeholder: (Int, inout [UInt8]) -> Void) -> [UInt8] {
        var bytes: [UInt8] = []
        var number = 0
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
            case .text(let fixed):
                var text = fixed.text
                text.withUTF8 { bytes.append(contentsOf: $0) }
            case .placeholder:
                number += 1
                placeholder(number, &bytes)
            }
        }
        return bytes
    }

    /// `number`'s decimal digits (a placeholder's number: positive), without the generic integer formatting.
    package static func appendDecimal(_ number: Int, to bytes: inout [UInt8]) {
        if number >= 10 { appendDecimal(number / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        public typealias StringLiteralType = StaticString
        var pieces: [Piece] = []
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(2 * interpolationCount + 1)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            if literal.utf8CodeUnitCount > 0 { pieces.append(Piece(literal)) }
        }

        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            binds.append(value.postgresBind)
            pieces.append(.placeholder)
        }

        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            binds.append(value?.postgresBind ?? .null)
            pieces.append(.placeholder)
        }
    }
}
