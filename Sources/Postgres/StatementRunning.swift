/// Something that runs one statement and answers its result: a connection of the caller's own
/// (`DatabasePool.withConnection`), or the pool's read or write path (`DatabasePool.reading`, `writing`), which
/// may pipeline it.
public protocol StatementRunning {
    func query(_ sql: SQL) async throws -> QueryResult
}

extension PGConnection: StatementRunning {}
