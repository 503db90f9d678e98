import Foundation
import Postgres
import Testing

/// The client deadline on every way a statement goes out, and what the non-blocking exchange must keep from
/// the blocking PQexec* it replaced. A silent server is simulated by a session that turns its own
/// statement_timeout off and sleeps: from the client's side nothing answers, as with a frozen server.
@Suite(.enabled(if: hasDatabase))
struct ClientDeadlinePathTests {
    /// Prepared (cached SELECT) is covered by ClientDeadlineTests; these are the other two.
    enum SendPath: CaseIterable, Sendable { case unprepared, simple }

    /// Client deadline 0.5 s; the server would sleep 20 s. Upper bounds are loose (a loaded machine, ASan)
    /// yet far from the 20 s a missing deadline would take. The sleeping backends are ended afterwards.
    func withSilentServerPool<T>(_ body: (DatabasePool) async throws -> T) async throws -> T {
        let name = uniqueName("silent")
        do {
            let value = try await withTestPool({
                $0.poolSize = 1
                $0.statementTimeout = .milliseconds(200)
                $0.clientDeadlineMargin = .milliseconds(300)
                $0.applicationName = name
            }, body)
            await Self.endBackends(named: name)
            return value
        } catch {
            await Self.endBackends(named: name)
            throw error
        }
    }

    static func endBackends(named name: String) async {
        _ = try? await withTestPool { admin in
            try await admin.withConnection {
                try await $0.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(name)")
            }
        }
    }

    static func sleep(_ connection: PGConnection, via path: SendPath) async throws {
        try await connection.execute(unsafeSQL: "SET statement_timeout = 0")
        switch path {
        case .unprepared: _ = try await connection.query("DO $$ BEGIN PERFORM pg_sleep(20); END $$")
        case .simple: try await connection.execute(unsafeSQL: "SELECT 1; SELECT pg_sleep(20)")
        }
    }

    @Test(arguments: SendPath.allCases)
    func silentServerFailsAtTheDeadline(path: SendPath) async throws {
        try await withSilentServerPool { pool in
            let pid: (PGConnection) async throws -> Int = { try await $0.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid") }
            let before = try await pool.withConnection(pid)
            let started = ContinuousClock.now
            let error = await databaseError { try await pool.withConnection { try await Self.sleep($0, via: path) } }
            let waited = ContinuousClock.now - started
            #expect(error?.kind == .timeout)
            #expect(waited >= .milliseconds(450) && waited < .seconds(8))
            // Replaced: a fresh backend, with the configured statement_timeout again.
            let (after, timeout) = try await pool.withConnection { connection in
                (try await pid(connection), try await connection.query("SHOW statement_timeout").rows[0].string("statement_timeout"))
            }
            #expect(after != before)
            #expect(timeout == "200ms")
        }
    }

    @Test func givenUpConnectionRefusesFurtherStatements() async throws {
        try await withSilentServerPool { pool in
            let (second, healthy) = try await pool.withConnection { connection in
                _ = await databaseError { try await Self.sleep(connection, via: .simple) }
                // Sent, it would wait behind the sleeping backend and end in .timeout; it must not be sent.
                let second = await databaseError { try await connection.execute(unsafeSQL: "SELECT 1") }
                return (second, connection.isHealthy)
            }
            #expect(second?.kind == .connectionUnavailable)
            #expect(!healthy)
        }
    }

    @Test func serverTimeoutFiresFirstAndKeepsTheConnection() async throws {
        try await withTestPool({
            $0.poolSize = 1
            $0.statementTimeout = .milliseconds(200)
        }) { pool in
            let (error, healthy) = try await pool.withConnection { connection in
                (await databaseError { _ = try await connection.query("SELECT pg_sleep(2)") }, connection.isHealthy)
            }
            #expect(error?.kind == .timeout)
            #expect(error?.sqlState == "57014")
            #expect(healthy)
        }
    }

    @Test func largeParametersAndResultsCrossTheNonBlockingSocket() async throws {
        let text = String(repeating: "abcdefgh", count: 512 * 1024)  // 4 MiB: many socket buffers each way
        let (length, echoed) = try await withTestPool { pool in
            try await pool.withConnection { connection in
                let row = try await connection.query("SELECT length(\(text)::text) AS n, \(text)::text AS echo").rows[0]
                return (try row.int("n"), try row.string("echo"))
            }
        }
        #expect(length == text.utf8.count)
        #expect(echoed == text)
    }

    @Test func multiStatementCallsKeepPQexecSemantics() async throws {
        let (failure, count) = try await withTestPool({ $0.poolSize = 1 }) { pool in
            try await pool.withConnection { connection in
                let failure = await databaseError {
                    try await connection.execute(
                        unsafeSQL: "CREATE TEMP TABLE steps (n int); INSERT INTO steps VALUES (1); SELECT 1/0; INSERT INTO steps VALUES (2)")
                }
                try await connection.execute(unsafeSQL: "CREATE TEMP TABLE steps (n int); INSERT INTO steps VALUES (1), (2)")
                return (failure, try await connection.query("SELECT count(*) AS c FROM steps").rows[0].int("c"))
            }
        }
        #expect(failure?.sqlState == "22012")
        #expect(failure?.kind == .query)
        #expect(count == 2)  // the failed call ran as one implicit transaction: nothing of it stayed
    }
}
