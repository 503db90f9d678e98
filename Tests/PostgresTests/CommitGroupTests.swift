import HTTP1
import HTTPServer
import Postgres
import Testing
import TestSupport

/// `DatabasePool.writing` from request tasks on a real HTTP event loop, where the writes of one batch commit as
/// one transaction. Each write reports its transaction's id, so the tests see which writes committed together.
@Suite(.enabled(if: hasDatabase)) struct CommitGroupTests {
    /// `/w/<k>` inserts `k` into the table and answers "k txid", after `pg_sleep(0.02)` so that requests
    /// overlap (`/slow/<k>` after 1.5 s, marked for `terminateSlowWrite`). A failure answers 500 with the
    /// error's SQLSTATE, or its kind.
    struct WriteResponder: Responder {
        let pool: DatabasePool
        let table: String

        func respond(to request: Request) async -> Response {
            let k = Int(request.path.split(separator: "/").last ?? "") ?? -1
            let slow = request.path.hasPrefix("/slow/")
            // One text for every k (a parameter), prepared once, as the server's own statements are.
            let sleep = slow ? "pg_sleep(1.5 /* slow write */)" : "pg_sleep(0.02)"
            let sql = SQL.joining([
                SQL(unsafe: "WITH w AS (INSERT INTO \(table) (k) VALUES ("), "\(k)::int) RETURNING k)",
                SQL(unsafe: "SELECT k, txid_current()::text AS tx, \(sleep)::text AS slept FROM w"),
            ])
            do {
                let row = try await pool.writing { try await $0.query(sql) }.rows.first
                return Response(status: .ok, body: Array("\(try row?.int("k") ?? -1) \(try row?.string("tx") ?? "")".utf8))
            } catch let error as DatabaseError {
                return Response(status: .internalServerError, body: Array((error.sqlState ?? "\(error.kind)").utf8))
            } catch {
                return Response(status: .internalServerError, body: Array("\(error)".utf8))
            }
        }
    }

    func withGroupingServer(_ body: (DatabasePool, String, Int) async throws -> Void) async throws {
        try await withLoopPool("group") { pool in
            try await withTable(pool, columns: "k int PRIMARY KEY") { table in
                try await withOneLoopServer(WriteResponder(pool: pool, table: table)) { port in
                    try await body(pool, table, port)
                }
            }
        }
    }

    func post(_ path: String, port: Int) async throws -> (Int, String) { try await send("POST", path, port: port) }

    func postConcurrently(_ paths: [String], port: Int) async throws -> [String: (Int, String)] {
        try await sendConcurrently("POST", paths, port: port)
    }

    func keys(_ pool: DatabasePool, _ table: String) async throws -> [Int] {
        try await pool.withConnection { connection in
            try await connection.query(SQL(unsafe: "SELECT k FROM \(table) ORDER BY k")).rows.map { try $0.int("k") }
        }
    }

    @Test func concurrentWritesOfOneLoopCommitTogether() async throws {
        try await withGroupingServer { pool, table, port in
            _ = try await post("/w/0", port: port)  // opens the pipeline's connection
            let before = pool.writeCounts
            let paths = (1...16).map { "/w/\($0)" }
            let answers = try await postConcurrently(paths, port: port)
            var transactions: Set<String> = []
            for (index, path) in paths.enumerated() {
                let answer = answers[path]
                #expect(answer?.0 == 200)
                let parts = answer?.1.split(separator: " ") ?? []
                #expect(parts.first.map(String.init) == String(index + 1))
                if let tx = parts.last { transactions.insert(String(tx)) }
            }
            let after = pool.writeCounts
            #expect(after.pipelined - before.pipelined == 16)
            // One transaction per batch, and fewer batches than writes: 16 separate commits would be 16.
            #expect(transactions.count == after.batches - before.batches)
            #expect(transactions.count < 16)
            #expect(try await keys(pool, table) == Array(0...16))
        }
    }

    @Test func aFailingWriteRollsBackItsBatchAndTheOthersAreWrittenAlone() async throws {
        try await withGroupingServer { pool, table, port in
            #expect(try await post("/w/99", port: port).0 == 200)
            let before = pool.writeCounts
            let paths = (1...8).map { "/w/\($0)" } + ["/w/99"]
            let answers = try await postConcurrently(paths.shuffled(), port: port)
            #expect(answers["/w/99"]?.0 == 500)
            #expect(answers["/w/99"]?.1 == "23505")
            for k in 1...8 {
                #expect(answers["/w/\(k)"]?.0 == 200)
                #expect(answers["/w/\(k)"]?.1.hasPrefix("\(k) ") == true)
            }
            // The duplicate's batch was rolled back whole; each of its writes then ran alone on the pool.
            #expect(pool.writeCounts.pooled > before.pooled)
            #expect(try await keys(pool, table) == Array(1...8) + [99])
            // The pipeline keeps grouping afterwards.
            let grouped = pool.writeCounts.pipelined
            #expect(try await post("/w/100", port: port).0 == 200)
            #expect(pool.writeCounts.pipelined == grouped + 1)
        }
    }

    @Test func aWriteWhoseBatchWentOutIsNotRunAgainWhenItsConnectionDies() async throws {
        try await withGroupingServer { pool, table, port in
            _ = try await post("/w/0", port: port)
            let before = pool.writeCounts
            async let slow = post("/slow/5", port: port)
            let patience = ContinuousClock.now + .seconds(10)
            var terminated = false
            while !terminated, ContinuousClock.now < patience {
                try await Task.sleep(for: .milliseconds(20))
                terminated = try await pool.withConnection { connection in
                    try await connection.query("""
                        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
                        WHERE query LIKE '%slow write%' AND pid <> pg_backend_pid()
                        """).rows.first?.int("n") ?? 0
                } > 0
            }
            #expect(terminated)
            let (status, body) = try await slow
            // Its Sync had gone out, so it might have committed: it answers the failure and is not run again.
            #expect(status == 500)
            #expect(body != "5")
            #expect(pool.writeCounts.pooled == before.pooled)
            #expect(try await keys(pool, table) == [0])
            // A new connection serves the next write.
            #expect(try await post("/w/6", port: port).0 == 200)
        }
    }

    @Test func offTheLoopsWritesRunOnThePool() async throws {
        try await withGroupingServer { pool, table, _ in
            let before = pool.writeCounts
            _ = try await pool.writing { try await $0.query(SQL(unsafe: "INSERT INTO \(table) (k) VALUES (7)")) }
            #expect(pool.writeCounts.pooled == before.pooled + 1)
            #expect(pool.writeCounts.pipelined == before.pipelined)
            #expect(try await keys(pool, table) == [7])
        }
    }
}
