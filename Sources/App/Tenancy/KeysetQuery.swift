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
        var sql = SQL(unsafe: select)
        sql.binds = [.text(organisationID)]
        switch page.direction {
        case .forward(let after):
            // coalesce, not `IS NULL OR`: sessions run generic plans, and only this form bounds the index scan.
            sql.text += " WHERE \(table).organisation_id = $1 AND \(table).id > coalesce($2::text, '')"
                + " ORDER BY \(table).id ASC LIMIT $3"
            sql.binds.append(after.map { .text($0) } ?? .null)
        case .backward(let before):
            sql.text += " WHERE \(table).organisation_id = $1 AND \(table).id < $2::text ORDER BY \(table).id DESC LIMIT $3"
            sql.binds.append(.text(before))
        }
        sql.binds.append(.text(String(page.fetchLimit)))
        let items = try await connection.query(sql).rows.map(decode)
        var count = SQL(unsafe: "SELECT count(*) AS total FROM \(table) WHERE organisation_id = $1")
        count.binds = [.text(organisationID)]
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

extension SQL {
    /// `statement` with fixed SQL text (column lists written in code, never input) around it. The fixed parts hold
    /// no parameters, so `statement`'s `$n` numbering stays right.
    static func around(_ prefix: String, _ statement: SQL, _ suffix: String = "") -> SQL {
        var sql = statement
        sql.text = prefix + sql.text + suffix
        return sql
    }
}
