import Postgres

/// Runs a paged list: the total for `filter`, then one page of it in id order. `filter` is the
/// `FROM <table> t WHERE …` part and must alias the listed table `t`.
enum KeysetPage {
    static func fetch(
        columns: String, filter: SQL, page: PageRequest, on connection: PGConnection
    ) async throws -> (rows: [Row], totalCount: Int) {
        let count = try await connection.query(SQL(unsafe: "SELECT count(*) AS total ").appending(filter))
        let total = try count.rows.first?.int("total") ?? 0
        let clause: SQL = switch page.direction {
        case .forward(let after):
            "\nAND (\(after)::text IS NULL OR t.id > \(after)) ORDER BY t.id LIMIT \(page.fetchLimit)"
        case .backward(let before):
            "\nAND t.id < \(before) ORDER BY t.id DESC LIMIT \(page.fetchLimit)"
        }
        let rows = try await connection.query(SQL(unsafe: "SELECT \(columns) ").appending(filter).appending(clause)).rows
        return (rows, total)
    }
}
