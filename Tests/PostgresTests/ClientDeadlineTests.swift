import Foundation
import Postgres
import Synchronization
import Testing

/// The client's own deadline: a server that never answers (frozen, or a network that drops packets) must not
/// hold a caller or a connection for ever. Simulated by a session whose statement_timeout is switched off.
@Suite(.enabled(if: hasDatabase))
struct ClientDeadlineTests {
    @Test func unansweredStatementFailsAtTheClientDeadlineAndTheConnectionIsReplaced() async throws {
        try await withTestPool({
            $0.poolSize = 1
            $0.statementTimeout = .milliseconds(200)
            $0.clientDeadlineMargin = .milliseconds(300)
        }) { pool in
            let first = try await pool.withConnection { try await $0.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid") }
            let started = ContinuousClock.now
            let error = await databaseError {
                _ = try await pool.withConnection { connection in
                    try await connection.execute(unsafeSQL: "SET statement_timeout = 0")
                    _ = try await connection.query("SELECT pg_sleep(30)")
                }
            }
            let waited = ContinuousClock.now - started
            #expect(error?.kind == .timeout)
            // 0.5 s deadline, checked on the reactor's tick: well under the 30 s the statement would take.
            #expect(waited >= .milliseconds(450) && waited < .seconds(5))
            // The one connection was given up, so the next caller gets a fresh backend at once.
            let second = try await pool.withConnection { try await $0.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid") }
            #expect(second != first)
        }
    }

    @Test func statementsOnOneConnectionDoNotHoldUpOthers() async throws {
        try await withTestPool({ $0.poolSize = 2 }) { pool in
            let slowDone = Atomic<Bool>(false)
            async let slow: Void = pool.withConnection {
                _ = try await $0.query("SELECT pg_sleep(3)")
                slowDone.store(true, ordering: .sequentiallyConsistent)
            }
            try await Task.sleep(for: .milliseconds(100))
            for _ in 0..<20 {
                _ = try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
            }
            // Ordered, not timed: the 20 statements on the other connection all finished while the slow one ran.
            let finishedWhileSlowRan = !slowDone.load(ordering: .sequentiallyConsistent)
            #expect(finishedWhileSlowRan)
            try await slow
        }
    }
}
