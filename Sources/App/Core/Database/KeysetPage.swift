import Postgres

/// A paged list in one statement: the total for `filter` and one page of it in id order, optionally beside the
/// row of an outer `scope` the filter depends on (the hub and end user of a path), so checking the path, counting
/// and fetching cost one round trip. `filter` is the `FROM <table> t WHERE …` part and must alias the listed
/// table `t`; the page's columns come back under their own names, the total as `total`.
enum KeysetPage {
    /// The row a list hangs off: `columns` (aliased apart from the page's), from `from`, narrowed by `condition`.
    struct Scope {
        var columns: SQL
        var from: SQL
        var condition: SQL
    }

    struct Result {
        /// The scope's row, present whenever the scope matched (with or without page rows).
        var scope: Row?
        var rows: [Row]
        var totalCount: Int
    }

    static func fetch(
        columns: SQL, filter: SQL, page: PageRequest, scope: Scope? = nil, on connection: some StatementRunning
    ) async throws -> Result {
        let sql = statement(columns: columns, filter: filter, page: page, scope: scope)
        let rows = try await connection.query(sql).rows
        let items = try rows.filter { try $0.optionalString("id") != nil }
        return Result(scope: rows.first, rows: items, totalCount: try rows.first?.int("total") ?? 0)
    }

    static func statement(columns: SQL, filter: SQL, page: PageRequest, scope: Scope?) -> SQL {
        let (clause, order): (SQL, String) = switch page.direction {
        case .forward(let after):
            // coalesce, not `IS NULL OR`: sessions run generic plans, and only this form bounds the index scan.
            ("\nAND t.id > coalesce(\(after)::text, '') ORDER BY t.id LIMIT \(page.fetchLimit)::bigint", "ASC")
        case .backward(let before):
            ("\nAND t.id < \(before) ORDER BY t.id DESC LIMIT \(page.fetchLimit)::bigint", "DESC")
        }
        return compose(columns: columns, filter: filter, clause: clause, order: order, scope: scope)
    }

    private static func compose(columns: SQL, filter: SQL, clause: SQL, order: String, scope: Scope?) -> SQL {
        let orderBy: SQL = order == "ASC" ? "\nORDER BY p.id ASC" : "\nORDER BY p.id DESC"
        guard let scope else {
            return SQL.joining([
                "SELECT n.total, p.*\nFROM (VALUES (1)) AS one (x)\nLEFT JOIN LATERAL (SELECT count(*) AS total", filter,
                ") n ON true\nLEFT JOIN LATERAL (SELECT", columns, filter, clause, ") p ON true", orderBy,
            ])
        }
        return SQL.joining([
            "SELECT n.total, p.*,", scope.columns, "\nFROM", scope.from,
            "\nLEFT JOIN LATERAL (SELECT count(*) AS total", filter, ") n ON true\nLEFT JOIN LATERAL (SELECT", columns,
            filter, clause, ") p ON true\nWHERE", scope.condition, orderBy,
        ])
    }
}
