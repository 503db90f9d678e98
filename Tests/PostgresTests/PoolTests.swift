import Foundation
import Postgres
import Testing

@Suite(.enabled(if: hasDatabase, "needs DATABASE_URL"))
struct PoolTests {
    @Test func transactionCommitsOnSuccessAndRollsBackOnThrow() async throws {
        struct Abort: Error {}
        let count = try await withTestPool { pool in
            try await withTable(pool, columns: "n int") { table in
                try await pool.withTransaction { try await $0.execute(unsafeSQL: "INSERT INTO \(table) VALUES (1)") }
                await #expect(throws: Abort.self) {
                    try await pool.withTransaction { connection in
                        try await connection.execute(unsafeSQL: "INSERT INTO \(table) VALUES (2)")
                        throw Abort()
                    }
                }
                return try await pool.withConnection {
                    try await $0.query(SQL(unsafe: "SELECT count(*) AS c, sum(n) AS s FROM \(table)")).rows[0]
                }
            }
        }
        #expect(try count.int("c") == 1)
        #expect(try count.int("s") == 1)
    }

    @Test func leftoverTransactionIsRolledBackBeforeTheNextJob() async throws {
        let inTransaction = try await withTestPool({ $0.poolSize = 1 }) { pool in
            try await pool.withConnection { try await $0.execute(unsafeSQL: "BEGIN") }
            return try await pool.withConnection { $0.isInTransaction }
        }
        #expect(!inTransaction)
    }

    @Test func manyConcurrentCallersShareTheConnections() async throws {
        // The 200 callers queue for four connections; on a loaded machine that takes longer than the default
        // acquire timeout, which is not what is under test.
        let pids = try await withTestPool({ $0.poolSize = 4; $0.acquireTimeout = .seconds(60) }) { pool in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let row = try await connection.query("SELECT pg_backend_pid() AS pid, \(index)::int AS echo").rows[0]
                            #expect(try row.int("echo") == index)
                            return try row.int("pid")
                        }
                    }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
        }
        #expect((1...4).contains(pids.count))
    }

    @Test func recoversAfterBackendsAreTerminated() async throws {
        try await withTestPool({ $0.poolSize = 3 }) { pool in
            let before = try await backendPIDs(pool, calls: 12)
            let applicationName = try await pool.withConnection {
                try await $0.query("SELECT current_setting('application_name') AS a").rows[0].string("a")
            }
            try await withTestPool { admin in
                try await admin.withConnection { connection in
                    _ = try await connection.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(applicationName)")
                    // pg_terminate_backend only signals: wait until the backends are gone.
                    for _ in 0..<100 {
                        let left = try await connection.query(
                            "SELECT count(*) AS c FROM pg_stat_activity WHERE application_name = \(applicationName)")
                        if try left.rows[0].int("c") == 0 { return }
                        usleep(20_000)
                    }
                    Issue.record("backends did not exit")
                }
            }
            // Every call succeeds: dead idle connections are noticed and replaced before use.
            let after = try await backendPIDs(pool, calls: 12)
            #expect(after.isDisjoint(with: before))
            #expect(await pool.isReachable())
        }
    }

    @Test func failsFastWhenTheServerIsUnreachable() async throws {
        var configuration = DatabaseConfiguration(connectionString: "postgresql:///embedded_api?host=/nonexistent/\(uniqueName("dir"))")
        configuration.poolSize = 2
        configuration.acquireTimeout = .seconds(3)
        let pool = DatabasePool(configuration: configuration)
        defer { pool.shutdown() }
        let clock = ContinuousClock()
        let started = clock.now
        let error = await databaseError { _ = try await pool.withConnection { try await $0.query("SELECT 1") } }
        #expect(error?.kind == .connectionUnavailable)
        #expect(error.map { String(describing: $0).contains("nonexistent") } == false)
        #expect(await pool.isReachable() == false)
        #expect(clock.now - started < .seconds(3))
    }

    @Test func acquireTimeoutBoundsTheWaitForABusyPool() async throws {
        try await withTestPool({
            $0.poolSize = 1
            $0.acquireTimeout = .milliseconds(300)
        }) { pool in
            async let sleeper: Void = pool.withConnection { _ = try await $0.query("SELECT pg_sleep(12)") }
            try await Task.sleep(for: .milliseconds(100))
            let clock = ContinuousClock()
            let started = clock.now
            let error = await databaseError { _ = try await pool.withConnection { try await $0.query("SELECT 1") } }
            #expect(error?.kind == .connectionUnavailable)
            // Well under the 12 s the holder sleeps: the timeout fired, nothing waited for the connection.
            #expect(clock.now - started < .seconds(8))
            try await sleeper
        }
    }

    @Test func cancelledWaitingCallerLeavesTheQueue() async throws {
        try await withTestPool({ $0.poolSize = 1 }) { pool in
            async let sleeper: Void = pool.withConnection { _ = try await $0.query("SELECT pg_sleep(12)") }
            try await Task.sleep(for: .milliseconds(100))
            let clock = ContinuousClock()
            let started = clock.now
            let waiting = Task { try await pool.withConnection { _ in "ran" } }
            try await Task.sleep(for: .milliseconds(100))
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            // Well under the 12 s the holder sleeps: the cancelled caller left the queue at once.
            #expect(clock.now - started < .seconds(6))
            try await sleeper
        }
    }

    @Test func shutdownFailsLaterCalls() async throws {
        let pool = DatabasePool(configuration: DatabaseConfiguration(connectionString: databaseURL ?? ""))
        #expect(await pool.isReachable())
        pool.shutdown()
        let error = await databaseError { _ = try await pool.withConnection { try await $0.query("SELECT 1") } }
        #expect(error?.kind == .connectionUnavailable)
    }
}

private func backendPIDs(_ pool: DatabasePool, calls: Int) async throws -> Set<Int> {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<calls {
            group.addTask {
                try await pool.withConnection { try await $0.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.02)").rows[0].int("pid") }
            }
        }
        return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
    }
}
