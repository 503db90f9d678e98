import CLibPQ

/// Turns a `PGresult` into rows or a `DatabaseError`, and always clears it.
enum ResultReader {
    static func read(
        _ result: OpaquePointer?, connection: OpaquePointer, layout: inout ColumnLayout?
    ) throws(DatabaseError) -> QueryResult {
        guard let result else { throw connectionError(connection) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            if layout?.names.count != Int(PQnfields(result)) { layout = ColumnLayout(of: result) }
            return QueryResult(rows: rows(of: result, layout: layout!), affectedRows: affectedRows(of: result))
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(rows: [], affectedRows: affectedRows(of: result))
        case PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR, PGRES_FATAL_ERROR:
            throw error(from: result, connection: connection)
        default:
            // COPY and pipeline states are never started by this module.
            throw DatabaseError(kind: .protocolViolation)
        }
    }

    static func rows(of result: OpaquePointer, layout: ColumnLayout) -> [Row] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
                    values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self))
                }
            }
            rows.append(Row(layout: layout, values: values))
        }
        return rows
    }

    private static func affectedRows(of result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    static func error(from result: OpaquePointer, connection: OpaquePointer) -> DatabaseError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let kind: DatabaseError.Kind
        if PQstatus(connection) != CONNECTION_OK {
            kind = .connectionUnavailable
        } else if sqlState == "57014" {
            kind = .timeout  // query_canceled: statement_timeout fired
        } else {
            kind = .query
        }
        return DatabaseError(
            kind: kind, sqlState: sqlState, constraint: field("n"), table: field("t"), column: field("c"),
            serverMessage: field("M") ?? String(cString: PQresultErrorMessage(result)))
    }

    static func connectionError(_ connection: OpaquePointer) -> DatabaseError {
        let kind: DatabaseError.Kind = PQstatus(connection) == CONNECTION_OK ? .protocolViolation : .connectionUnavailable
        return DatabaseError(kind: kind, serverMessage: String(cString: PQerrorMessage(connection)))
    }
}

extension ColumnLayout {
    /// The column names of a result.
    convenience init(of result: OpaquePointer) {
        self.init(names: (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) })
    }
}
