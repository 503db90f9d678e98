// INTERFACE STUB — the Postgres owner replaces this file with real, split files, keeping these signatures
// (adding to them is fine).

/// A statement with its parameters. Interpolated values become `$n` parameters, never SQL text:
/// `"SELECT id FROM hubs WHERE id = \(hubID) AND organisation_id = \(orgID)"`.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    public var text: String
    public var binds: [PostgresBind]
    public init(stringLiteral value: String) { text = value; binds = [] }
    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text; binds = stringInterpolation.binds }
    /// Raw SQL text, only for migrations and fixed statements: no parameters.
    public init(unsafe text: String) { self.text = text; binds = [] }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [PostgresBind] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            binds.append(value.postgresBind)
            text += "$\(binds.count)"
        }
        public mutating func appendInterpolation(_ value: (some PostgresBindable)?) {
            binds.append(value?.postgresBind ?? .null)
            text += "$\(binds.count)"
        }
    }
}

/// One parameter value: SQL NULL, text format, or binary format (bytea).
public enum PostgresBind: Sendable, Equatable {
    case null
    case text(String)
    case binary([UInt8])
}

public protocol PostgresBindable { var postgresBind: PostgresBind { get } }
extension String: PostgresBindable { public var postgresBind: PostgresBind { .text(self) } }
extension Int: PostgresBindable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Int64: PostgresBindable { public var postgresBind: PostgresBind { .text(String(self)) } }
extension Bool: PostgresBindable { public var postgresBind: PostgresBind { .text(self ? "t" : "f") } }
extension Array: PostgresBindable where Element == UInt8 { public var postgresBind: PostgresBind { .binary(self) } }

/// A failed database call. `description` shows only kind, SQLSTATE and constraint: never values or SQL.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case connectionUnavailable, query, timeout, protocolViolation }
    public var kind: Kind
    public var sqlState: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The server's primary message; may contain values, so only for `String(reflecting:)`.
    public var serverMessage: String?
    public var description: String { "DatabaseError(\(kind), sqlstate: \(sqlState ?? "-"), constraint: \(constraint ?? "-"))" }
    public init(kind: Kind, sqlState: String? = nil, constraint: String? = nil, table: String? = nil, column: String? = nil, serverMessage: String? = nil) {
        self.kind = kind; self.sqlState = sqlState; self.constraint = constraint; self.table = table; self.column = column; self.serverMessage = serverMessage
    }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
}

/// One result row; columns by name. Getters throw `DatabaseError(kind: .protocolViolation)` on type mismatch.
public struct Row: Sendable {
    public func string(_ column: String) throws -> String { fatalError() }
    public func optionalString(_ column: String) throws -> String? { fatalError() }
    public func int(_ column: String) throws -> Int { fatalError() }
    public func bool(_ column: String) throws -> Bool { fatalError() }
    /// bytea, decoded from the wire.
    public func bytes(_ column: String) throws -> [UInt8] { fatalError() }
    public func optionalBytes(_ column: String) throws -> [UInt8]? { fatalError() }
    /// timestamptz as microseconds since the Unix epoch, UTC.
    public func timestampMicros(_ column: String) throws -> Int64 { fatalError() }
}

public struct QueryResult: Sendable {
    public var rows: [Row]
    /// Rows affected by INSERT/UPDATE/DELETE (PQcmdTuples).
    public var affectedRows: Int
}

/// One libpq connection. Not Sendable: it lives on exactly one pool thread.
public final class PGConnection {
    public func query(_ sql: SQL) throws(DatabaseError) -> QueryResult { fatalError() }
    /// Several statements in one simple-protocol call (migrations only).
    public func execute(unsafeSQL: String) throws(DatabaseError) { fatalError() }
}

@available(*, unavailable)
extension PGConnection: Sendable {}

public struct DatabaseConfiguration: Sendable {
    /// A libpq connection string or URI (`postgres://…` or `host=… dbname=…`).
    public var connectionString: String
    /// Connections (and threads) in the pool. Default 8.
    public var poolSize: Int = 8
    /// Seconds libpq may take to connect. Default 5.
    public var connectTimeoutSeconds: Int = 5
    /// How long a caller waits for a free connection (or for the database to come back) before
    /// `DatabaseError(kind: .connectionUnavailable)`. Default 5 s.
    public var acquireTimeout: Duration = .seconds(5)
    /// Per-statement timeout sent as `statement_timeout`. Default 15 s.
    public var statementTimeout: Duration = .seconds(15)
    public init(connectionString: String) { self.connectionString = connectionString }
}

/// A fixed pool of connections, each owned by a dedicated thread so blocking libpq calls never run on Swift's
/// cooperative pool. Broken connections are re-opened on next use.
public final class DatabasePool: Sendable {
    public init(configuration: DatabaseConfiguration) {}
    /// Runs `body` on a pool thread with a connection of its own.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T { fatalError() }
    /// Like `withConnection`, inside BEGIN … COMMIT; any thrown error rolls back and is rethrown.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T { fatalError() }
    /// `SELECT 1` with a short timeout; false when the database is unreachable.
    public func isReachable() async -> Bool { fatalError() }
    /// Closes every connection and stops the threads; later calls fail with `.connectionUnavailable`.
    public func shutdown() {}
}
