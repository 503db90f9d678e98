/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
/// `"SELECT id FROM hubs WHERE id = \(hubID) AND organisation_id = \(orgID)"`.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var text: String
    public var binds: [PostgresBind]

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

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            binds.append(value.postgresBind)
            text.append("$")
            text.append(String(binds.count))
        }

        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            binds.append(value?.postgresBind ?? .null)
            text.append("$")
            text.append(String(binds.count))
        }
    }
}
