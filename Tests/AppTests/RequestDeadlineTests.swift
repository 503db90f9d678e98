@testable import App
import Foundation
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// REQUEST_TIMEOUT_MS end to end: a create held up by a row lock outlasts the deadline, the client gets 503
/// `503004`, the statement is cancelled on the server while the lock is still held, and nothing of it remains.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct RequestDeadlineTests {
    @Test func createCutByTheDeadlineIsCancelledAndLeavesNothing() async throws {
        // Long enough for authentication and the reads before the write even on a loaded machine under a sanitizer.
        try await withConnectionsApp(configure: { $0.requestTimeout = .seconds(3) }) { app in
            let tenant = try await app.makeTenant()
            let before = try await app.rowCounts(tenant.organisationID)
            // A second connection locks the hub row: the create's foreign-key check on end_users waits for it,
            // after the statement has begun writing.
            try await app.context.database.withConnection { holder in
                try await holder.execute(unsafeSQL: "BEGIN")
                _ = try await holder.query("SELECT 1 AS one FROM hubs WHERE id = \(tenant.hubID) FOR UPDATE")
                let started = ContinuousClock.now
                async let created = app.request(
                    .POST, "/hubs/\(tenant.hubID)/users", auth: tenant.auth,
                    json: Bodies.endUser(externalID: "late", secret: "LATE-SECRET"))
                #expect(try await Self.waitForBlocked(on: holder, count: 1), "the create never waited for the lock")
                let response = await created
                let elapsed = ContinuousClock.now - started
                #expect(response.status == 503, "\(response.text)")
                #expect(response.errorCode == "503004")
                #expect(response.headers["Retry-After"] == "1")
                #expect(elapsed >= .milliseconds(2900) && elapsed < .seconds(20), "answered after \(elapsed)")
                // Still holding the lock: only a cancel on the server ends a backend's lock wait.
                #expect(try await Self.waitForBlocked(on: holder, count: 0), "the create's statement still runs")
                try await holder.execute(unsafeSQL: "ROLLBACK")
            }
            // Had the statement survived, it would now go on and commit.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await app.rowCounts(tenant.organisationID) == before)
            let fetched = await app.request(.GET, "/hubs/\(tenant.hubID)/users/late", auth: tenant.auth)
            #expect(fetched.errorCode == "404002")
        }
    }

    @Test func handlersWithinTheDeadlineAreUntouched() async throws {
        try await withConnectionsApp(configure: { $0.requestTimeout = .milliseconds(1500) }) { app in
            let tenant = try await app.makeTenant()
            _ = try await app.createEndUser(tenant, externalID: "prompt")
            let fetched = await app.request(.GET, "/hubs/\(tenant.hubID)/users/prompt", auth: tenant.auth)
            #expect(fetched.status == 200, "\(fetched.text)")
        }
    }

    /// Polls (for up to 5 s) until exactly `count` backends wait for a lock `holder` holds.
    private static func waitForBlocked(on holder: PGConnection, count: Int) async throws -> Bool {
        for _ in 0..<250 {
            // Inside a transaction pg_stat_activity is a snapshot taken once; each look needs a fresh one.
            _ = try await holder.query("SELECT pg_stat_clear_snapshot() IS NULL AS cleared")
            let blocked = try await holder.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
            if try blocked.rows[0].int("n") == count { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
