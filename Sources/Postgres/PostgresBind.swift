/// One parameter value: SQL NULL, text format, or binary format (bytea).
public enum PostgresBind: Sendable, Equatable, CustomStringConvertible {
    case null
    case text(String)
    case binary([UInt8])

    /// Redacted: a bound value may be a secret (habit 6).
    public var description: String {
        switch self {
        case .null: "NULL"
        case .text: "text(****)"
        case .binary(let bytes): "binary(\(bytes.count) bytes)"
        }
    }
}

/// A Swift value that can travel as a statement parameter.
public protocol PostgresBindable {
    var postgresBind: PostgresBind { get }
}

extension String: PostgresBindable {
    public var postgresBind: PostgresBind { .text(self) }
}

extension Int: PostgresBindable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}

extension Int64: PostgresBindable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}

extension Bool: PostgresBindable {
    public var postgresBind: PostgresBind { .text(self ? "t" : "f") }
}

extension Array: PostgresBindable where Element == UInt8 {
    public var postgresBind: PostgresBind { .binary(self) }
}
