import Foundation
@testable import Postgres
import Testing

/// `DatabasePooler.pgbouncerTransaction`: what a connection leaves out behind a transaction pooler.
struct TransactionPoolerSettingsTests {
    @Test func behindATransactionPoolerNoNamedStatementAndOnlyCarriedSettings() {
        var configuration = DatabaseConfiguration(connectionString: "postgresql:///x")
        configuration.statementTimeout = .milliseconds(1234)
        #expect(PGConnection.sessionSetup(configuration).contains("SET statement_timeout = 1234"))
        #expect(configuration.statementCacheCapacity == 256)
        configuration.pooler = .pgbouncerTransaction
        let setup = PGConnection.sessionSetup(configuration)
        #expect(setup.contains("SET TIME ZONE 'UTC'") && setup.contains("SET DateStyle = 'ISO'"))
        #expect(!setup.contains("statement_timeout") && !setup.contains("plan_cache_mode") && !setup.contains("bytea_output"))
        #expect(configuration.statementCacheCapacity == 0)
    }

    @Test func theListenConnectionGoesToItsOwnURLAsADirectSession() {
        var configuration = DatabaseConfiguration(connectionString: "postgresql://bouncer/x")
        configuration.pooler = .pgbouncerTransaction
        #expect(configuration.listening.connectionString == "postgresql://bouncer/x")
        configuration.listenConnectionString = "postgresql:///direct"
        #expect(configuration.listening.connectionString == "postgresql:///direct")
        #expect(configuration.listening.pooler == .none)
        #expect(configuration.listening.statementCacheCapacity == 256)
    }
}

/// The pool through a real PgBouncer 1.18 in transaction mode (skipped where `pgbouncer` is not installed): six
/// connections share two server sessions, so consecutive transactions of one connection land on different ones.
@Suite(.enabled(if: hasDatabase && PgBouncer.isAvailable, "needs DATABASE_URL on a dev-db cluster and pgbouncer"), .serialized)
struct PgBouncerTransactionModeTests {
    /// Six tasks, each 15 transactions (an insert and a read of the same texts) and 15 standalone reads.
    private func load(_ pool: DatabasePool, table: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<6 {
                group.addTask {
                    for round in 0..<15 {
                        try await pool.withTransaction { connection in
                            var insert = SQL(unsafe: "INSERT INTO \(table) (id, who) VALUES ($1, $2)")
                            insert.binds = [.text(String(task * 100 + round)), .text(String(task))]
                            _ = try await connection.query(insert)
                            var mine = SQL(unsafe: "SELECT count(*) AS n FROM \(table) WHERE who = $1")
                            mine.binds = [.text(String(task))]
                            #expect(try await connection.query(mine).rows[0].int("n") == round + 1)
                        }
                        _ = try await pool.withConnection { try await $0.query(SQL(unsafe: "SELECT count(*) AS n FROM \(table)")) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func throughBouncer(_ pooler: DatabasePooler, _ url: String) -> (inout DatabaseConfiguration) -> Void {
        { configuration in
            configuration.connectionString = url
            configuration.pooler = pooler
            configuration.poolSize = 6
        }
    }

    @Test func everyStatementAndTransactionRunsWhateverSessionItLandsOn() async throws {
        try await PgBouncer.with(serverSessions: 2) { url in
            try await withTestPool(throughBouncer(.pgbouncerTransaction, url)) { pool in
                try await withTable(pool, columns: "id int PRIMARY KEY, who text") { table in
                    try await load(pool, table: table)
                    let total = try await pool.withConnection { try await $0.query(SQL(unsafe: "SELECT count(*) AS n FROM \(table)")) }
                    #expect(try total.rows[0].int("n") == 90)
                    // Timestamps still come back in UTC, ISO style: the settings PgBouncer carries to every session.
                    let now = try await pool.withConnection { try await $0.query("SELECT now()::text AS t") }
                    #expect(try now.rows[0].string("t").hasSuffix("+00"))
                }
            }
        }
    }

    /// The same load with named statements fails: the proof that the test above would catch them.
    @Test func namedStatementsBreakThere() async throws {
        try await PgBouncer.with(serverSessions: 2) { url in
            try await withTestPool(throughBouncer(.none, url)) { pool in
                try await withTable(pool, columns: "id int PRIMARY KEY, who text") { table in
                    let error = await databaseError { try await load(pool, table: table) }
                    // 42P05: ea_1 already prepared on that session; 26000: unknown on this one.
                    #expect(["42P05", "26000"].contains(error?.sqlState ?? ""), "\(String(describing: error))")
                }
            }
        }
    }

    @Test func listenGoesStraightToPostgreSQLAndHearsNotificationsSentThroughTheBouncer() async throws {
        let channel = uniqueName("ch")
        try await PgBouncer.with(serverSessions: 2) { url in
            try await withTestPool({
                throughBouncer(.pgbouncerTransaction, url)(&$0)
                $0.listenConnectionString = databaseURL
            }) { pool in
                let events = NotificationListenerTests.Events()
                let listener = Task { await pool.listen(to: channel) { events.append($0) } }
                defer { listener.cancel() }
                #expect(try await events.wait { $0 == [.listening] })
                try await pool.withConnection { _ = try await $0.query("SELECT pg_notify(\(channel), 'through') AS n") }
                #expect(try await events.wait { $0.last == .notified(payload: "through") })
            }
        }
    }
}
