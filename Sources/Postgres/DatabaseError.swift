/// A failed database call. `description` shows only kind, SQLSTATE and constraint: never values or SQL.
/// The server's message (which may quote a value, e.g. "Key (name)=(secret) already exists") is kept
/// for `String(reflecting:)` only.
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `deadlineExceeded`: the caller's own deadline (`CallerDeadline`) passed first; any statement in flight
    /// was cancelled and its connection dropped.
    public enum Kind: Sendable { case connectionUnavailable, query, timeout, protocolViolation, deadlineExceeded }

    public var kind: Kind
    public var sqlState: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The server's primary message; may contain values, so only for `String(reflecting:)`.
    public var serverMessage: String?

    public init(
        kind: Kind, sqlState: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, serverMessage: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.table = table
        self.column = column
        self.serverMessage = serverMessage
    }

    public var description: String {
        "DatabaseError(\(kind), sqlstate: \(sqlState ?? "-"), constraint: \(constraint ?? "-"))"
    }

    /// Everything, including the server's message: for deliberate diagnostics, never for clients.
    public var debugDescription: String {
        "DatabaseError(\(kind), sqlstate: \(sqlState ?? "-"), constraint: \(constraint ?? "-"), "
            + "table: \(table ?? "-"), column: \(column ?? "-"), message: \(serverMessage ?? "-"))"
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A prepared form gone stale: "cached plan must not change result type" after DDL (0A000), or dropped by a
    /// DISCARD (26000). Preparing the statement afresh fixes it.
    var isStalePreparedStatement: Bool { sqlState == "0A000" || sqlState == "26000" }
    /// PostgreSQL refused the statement's text whatever its values: SQLSTATE class 42 (syntax error or access rule
    /// violation: an operator or function missing for the types, a datatype mismatch, an ambiguous parameter). A
    /// value's failure is another class (22, data exception: `invalid input syntax`, a malformed array literal).
    var isRefusedStatementForm: Bool { kind == .query && sqlState?.utf8.starts(with: "42".utf8) == true }
}
