/// Column names of one result, shared by all of its rows. Every column a caller reads is looked up by name, a
/// few dozen times per request, so the lookup is an open-addressed table over `ByteHash` rather than a
/// `Dictionary`, whose SipHash of each name cost more than the rest of reading the row.
final class ColumnLayout: Sendable {
    let names: [String]
    /// Positions in `names` plus one, 0 for an empty slot; the count is a power of two above twice the names'.
    private let slots: [Int32]

    init(names: [String]) {
        self.names = names
        var capacity = 8
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        // First occurrence wins, as in `SELECT a.id, b.id`: callers alias when they need both.
        for (position, name) in names.enumerated() {
            var slot = Self.hash(name) & (capacity - 1)
            while slots[slot] != 0 && names[Int(slots[slot]) - 1] != name { slot = (slot + 1) & (capacity - 1) }
            if slots[slot] == 0 { slots[slot] = Int32(position + 1) }
        }
        self.slots = slots
    }

    func index(of name: String) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if names[entry - 1] == name { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ name: String) -> Int { Int(truncatingIfNeeded: ByteHash.of(name)) }
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
