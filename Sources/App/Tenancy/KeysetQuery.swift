import Domain
import JSON
import Postgres

/// Keyset paging over ULID ids (which sort by creation time) within one organisation, for `PageRequest`.
enum KeysetQuery {
    /// Runs `select` (a fixed `SELECT … FROM table` written in code, never input) for one page, plus the total,
    /// on one connection. The organisation and the cursor are bound parameters.
    static func page<Item: Sendable>(
        _ connection: PGConnection, select: String, table: String, organisationID: String, page: PageRequest,
        id: (Item) -> String, decode: (Row) throws -> Item
    ) async throws -> Page<Item> {
        let idColumn = SQL(unsafe: "\(table).id")
        let condition: [SQL]
        switch page.direction {
        case .forward(let after):
            // coalesce, not `IS NULL OR`: sessions run generic plans, and only this form bounds the index scan.
            condition = [idColumn, "> coalesce(\(after)::text, '') ORDER BY", idColumn, "ASC LIMIT \(page.fetchLimit)"]
        case .backward(let before):
            condition = [idColumn, "< \(before)::text ORDER BY", idColumn, "DESC LIMIT \(page.fetchLimit)"]
        }
        let organisation = SQL.joining(["WHERE", SQL(unsafe: "\(table).organisation_id = "), "\(organisationID) AND"])
        let items = try await connection.query(SQL.joining([SQL(unsafe: select), organisation] + condition)).rows.map(decode)
        let count = SQL.joining(["SELECT count(*) AS total FROM", SQL(unsafe: table), "WHERE organisation_id = \(organisationID)"])
        let total = try await connection.query(count).rows.first?.int("total") ?? 0
        return Page(fetched: items, totalCount: total, request: page, id: id)
    }
}

extension Row {
    /// A json/jsonb column as a `JSONValue`.
    func json(_ column: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(utf8: try string(column))
        } catch is JSONParseError {
            throw InvariantViolation("column \(column) does not hold the JSON the App writes there")
        }
    }

    /// A json/jsonb array column.
    func jsonArray(_ column: String) throws -> [JSONValue] {
        guard case .array(let items) = try json(column) else { throw InvariantViolation("column \(column) does not hold the JSON the App writes there") }
        return items
    }

    /// A timestamptz column in RFC 3339 UTC.
    func timestamp(_ column: String) throws -> String { Timestamp(microsecondsSinceEpoch: try timestampMicros(column)).rfc3339 }
}

extension JSONValue {
    /// Compact JSON text, to bind as a parameter and cast with `::jsonb`.
    var jsonText: String { String(decoding: serialized(), as: UTF8.self) }
}
