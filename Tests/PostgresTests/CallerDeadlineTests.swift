import Foundation
import Postgres
import Testing

/// `CallerDeadline`: the caller's own time limit ends its waits, cancels its statement on the server and rolls
/// back what the statement's transaction wrote.
@Suite(.enabled(if: hasDatabase))
struct CallerDeadlineTests {
    @Test func statementPastTheCallersDeadlineIsCancelledOnTheServer() async throws {
        try await withTestPool({ $0.poolSize = 1 }) { pool in
            let name = pool.configuration.applicationName
            await expectDeadlineExceeded(within: .milliseconds(300)) {
                _ = try await pool.withConnection { try await $0.query("SELECT pg_sleep(30)") }
            }
            let gone = try await withTestPool { admin in
                try await Self.waitUntilNoneRun("pg_sleep(30)", applicationName: name, on: admin)
            }
            #expect(gone, "the statement still runs on the server")
        }
    }

    @Test func transactionCutByTheDeadlineKeepsNothing() async throws {
        try await withTestPool({ $0.poolSize = 2 }) { pool in
            try await withTable(pool, columns: "n int") { table in
                await expectDeadlineExceeded(within: .milliseconds(300)) {
                    try await pool.withTransaction { connection in
                        try await connection.execute(unsafeSQL: "INSERT INTO \(table) VALUES (1)")
                        _ = try await connection.query("SELECT pg_sleep(30)")
                    }
                }
                let rows = try await pool.withConnection {
                    try await $0.query(SQL(unsafe: "SELECT count(*) AS n FROM \(table)")).rows[0].int("n")
                }
                #expect(rows == 0)
            }
        }
    }

    @Test func waitForAConnectionEndsAtTheCallersDeadline() async throws {
        try await withTestPool({ $0.poolSize = 1; $0.acquireTimeout = .seconds(30) }) { pool in
            try await pool.withConnection { _ in
                await expectDeadlineExceeded(within: .milliseconds(200)) {
                    _ = try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
                }
            }
        }
    }

    @Test func connectingEndsAtTheCallersDeadline() async throws {
        // A listening socket nobody serves: the kernel completes the handshake, no startup answer ever comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)
        var configuration = DatabaseConfiguration(connectionString: "host=127.0.0.1 port=\(port) dbname=none")
        configuration.connectTimeoutSeconds = 30
        let pool = DatabasePool(configuration: configuration)
        defer { pool.shutdown() }
        await expectDeadlineExceeded(within: .milliseconds(300)) {
            _ = try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
        }
    }

    /// `body`, run under a caller's deadline `within` from now, fails with `.deadlineExceeded` well before 5 s.
    private func expectDeadlineExceeded(within: Duration, _ body: () async throws -> Void) async {
        let started = ContinuousClock.now
        let error = await databaseError { try await CallerDeadline.$current.withValue(.now + within, operation: body) }
        #expect(error?.kind == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// Polls (for up to 5 s) until no backend of `applicationName` runs a statement containing `text`.
    private static func waitUntilNoneRun(_ text: String, applicationName: String, on admin: DatabasePool) async throws -> Bool {
        try await admin.withConnection { connection in
            for _ in 0..<250 {
                let running = try await connection.query("""
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE application_name = \(applicationName) AND state = 'active' AND position(\(text) IN query) > 0
                    """)
                if try running.rows[0].int("n") == 0 { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
    }
}
