/// Column names of one result, shared by all of its rows.
final class ColumnLayout: Sendable {
    let names: [String]
    private let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // First occurrence wins, as in `SELECT a.id, b.id`: callers alias when they need both.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }

    func index(of name: String) -> Int? { indexByName[name] }
}

/// One result row; columns by name, values as PostgreSQL's text output (bytea in hex).
/// Getters throw `DatabaseError(kind: .protocolViolation)` on a missing column, NULL, or type mismatch.
public struct Row: Sendable {
    let layout: ColumnLayout
    let values: [String?]

    init(layout: ColumnLayout, values: [String?]) {
        self.layout = layout
        self.values = values
    }

    /// The raw text of a column, or nil for SQL NULL.
    public func rawText(_ column: String) throws(DatabaseError) -> String? {
        guard let position = layout.index(of: column) else { throw .mismatch(column: column) }
        return values[position]
    }

    public func string(_ column: String) throws -> String { try required(column) }

    public func optionalString(_ column: String) throws -> String? { try rawText(column) }

    public func int(_ column: String) throws -> Int {
        guard let value = Int(try required(column)) else { throw DatabaseError.mismatch(column: column) }
        return value
    }

    public func optionalInt(_ column: String) throws -> Int? {
        guard let text = try rawText(column) else { return nil }
        guard let value = Int(text) else { throw DatabaseError.mismatch(column: column) }
        return value
    }

    public func bool(_ column: String) throws -> Bool {
        switch try required(column) {
        case "t": return true
        case "f": return false
        default: throw DatabaseError.mismatch(column: column)
        }
    }

    /// bytea, decoded from the wire.
    public func bytes(_ column: String) throws -> [UInt8] {
        guard let value = ByteaHex.decode(try required(column)) else { throw DatabaseError.mismatch(column: column) }
        return value
    }

    public func optionalBytes(_ column: String) throws -> [UInt8]? {
        guard let text = try rawText(column) else { return nil }
        guard let value = ByteaHex.decode(text) else { throw DatabaseError.mismatch(column: column) }
        return value
    }

    /// timestamptz as microseconds since the Unix epoch, UTC.
    public func timestampMicros(_ column: String) throws -> Int64 {
        guard let value = TimestampText.microsecondsSinceEpoch(try required(column)) else {
            throw DatabaseError.mismatch(column: column)
        }
        return value
    }

    public func optionalTimestampMicros(_ column: String) throws -> Int64? {
        guard let text = try rawText(column) else { return nil }
        guard let value = TimestampText.microsecondsSinceEpoch(text) else { throw DatabaseError.mismatch(column: column) }
        return value
    }

    private func required(_ column: String) throws(DatabaseError) -> String {
        guard let text = try rawText(column) else { throw .mismatch(column: column) }
        return text
    }
}

public struct QueryResult: Sendable {
    public var rows: [Row]
    /// Rows affected by INSERT/UPDATE/DELETE (PQcmdTuples).
    public var affectedRows: Int

    public init(rows: [Row], affectedRows: Int) {
        self.rows = rows
        self.affectedRows = affectedRows
    }
}

extension DatabaseError {
    /// A column that is absent, NULL where a value was required, or not of the requested type.
    /// The column name is schema, not data, so it may appear; the value never does.
    static func mismatch(column: String) -> DatabaseError {
        DatabaseError(kind: .protocolViolation, column: column)
    }
}
