import Postgres

extension KeysetPage {
    /// One page of `filter`'s rows as items, or nil when `scope` (the list's parent in the path) matches no row.
    static func scopedPage<Item: Sendable>(
        _ database: DatabasePool, columns: SQL, filter: SQL, scope: Scope, page: PageRequest,
        decode: (Row) throws -> Item, id: (Item) -> String
    ) async throws -> Page<Item>? {
        let result = try await database.reading { connection in
            try await fetch(columns: columns, filter: filter, page: page, scope: scope, on: connection)
        }
        guard result.scope != nil else { return nil }
        return Page(fetched: try result.rows.map(decode), totalCount: result.totalCount, request: page, id: id)
    }
}
