public struct DatabaseConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A libpq connection string or URI (`postgres://…` or `host=… dbname=…`).
    public var connectionString: String
    /// Connections in the pool. Default 8.
    public var poolSize: Int = 8
    /// Seconds libpq may take to connect. Default 5 (libpq treats values below 2 as 2).
    public var connectTimeoutSeconds: Int = 5
    /// How long a caller waits for a free connection (or for the database to come back) before
    /// `DatabaseError(kind: .connectionUnavailable)`. Default 5 s.
    public var acquireTimeout: Duration = .seconds(5)
    /// Per-statement timeout sent as `statement_timeout`. Default 15 s.
    public var statementTimeout: Duration = .seconds(15)
    /// How much longer than `statementTimeout` a statement may go unanswered before the client gives the
    /// connection up (a frozen server or a silent network never sends the timeout error). Default 1 s.
    public var clientDeadlineMargin: Duration = .seconds(1)
    /// `application_name` shown in `pg_stat_activity`, unless the connection string sets one. Default "embedded-api".
    public var applicationName: String = "embedded-api"
    /// Distinct statement texts each connection prepares once and re-executes (PQprepare/PQexecPrepared);
    /// statements beyond this run unprepared. 0 disables the cache. Default 256.
    public var preparedStatementCacheSize: Int = 256
    /// Whether reads that stand alone are pipelined on one connection per HTTP event loop (`PipelineDriver`),
    /// which the database counts beside the pool's. Default true.
    public var pipelinesReads: Bool = true
    /// Whether single-statement writes (`DatabasePool.writing`) are pipelined on one more connection per HTTP
    /// event loop, where each batch commits as one transaction (one WAL flush for many requests). Default true.
    public var groupsCommits: Bool = true
    /// What stands between the server and PostgreSQL. Under `.pgbouncerTransaction` the statement cache, the
    /// session settings beyond `TimeZone`/`DateStyle`, and both pipelines are off, whatever the settings above say.
    public var pooler: DatabasePooler = .none
    /// Where the LISTEN connection goes (`DatabasePool.listen`); nil: `connectionString`. LISTEN needs a session of
    /// its own, which a transaction pooler does not keep, so behind one this names PostgreSQL itself.
    public var listenConnectionString: String?

    public init(connectionString: String) { self.connectionString = connectionString }

    /// The connection string may carry a password, so it is never shown.
    public var description: String {
        "DatabaseConfiguration(connectionString: ****, poolSize: \(poolSize), connectTimeoutSeconds: "
            + "\(connectTimeoutSeconds), acquireTimeout: \(acquireTimeout), statementTimeout: \(statementTimeout), "
            + "pooler: \(pooler.rawValue))"
    }

    public var debugDescription: String { description }

    /// Statement texts each connection prepares: none behind a transaction pooler.
    var statementCacheCapacity: Int { pooler.keepsSessions ? preparedStatementCacheSize : 0 }

    /// The settings of a session of its own (LISTEN, the migrator's lock), straight to PostgreSQL.
    var listening: DatabaseConfiguration {
        var direct = self
        direct.connectionString = listenConnectionString ?? connectionString
        direct.pooler = .none
        direct.listenConnectionString = nil
        return direct
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive duration never becomes "no timeout" (0).
    var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 > 0 ? millis + 1 : millis
    }
}
