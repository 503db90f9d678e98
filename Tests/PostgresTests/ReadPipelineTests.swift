import HTTP1
import HTTPServer
import Postgres
import Testing
import TestSupport

/// `DatabasePool.reading` from request tasks on a real HTTP event loop, where reads are pipelined: one loop, so
/// concurrent requests share one pipeline and their statements go out in batches.
@Suite(.enabled(if: hasDatabase)) struct ReadPipelineTests {
    /// `/n/<k>` answers `k` from `SELECT`, after `pg_sleep(0.02)` so that requests overlap (`/slow/<k>` after
    /// 1.5 s); `/fail` divides by zero. The body is the value, or the error's SQLSTATE.
    struct ReadResponder: Responder {
        let pool: DatabasePool
        func respond(to request: Request) async -> Response {
            do {
                let value: Int
                if request.path.hasPrefix("/rows/") || request.path.hasPrefix("/plus/") || request.path.hasPrefix("/cast/") {
                    return try await mergeable(request.path)
                }
                if request.path == "/fail" {
                    value = try await pool.reading { try await $0.query("SELECT 1 / 0 AS n") }.rows.first?.int("n") ?? -1
                } else {
                    let k = Int(request.path.split(separator: "/").last ?? "") ?? -1
                    let seconds = request.path.hasPrefix("/slow/") ? "1.5" : "0.02"
                    value = try await pool.reading {
                        try await $0.query("SELECT \(k)::int AS n, pg_sleep(\(seconds)::float8)::text AS slept")
                    }.rows.first?.int("n") ?? -1
                }
                return Response(status: .ok, body: Array(String(value).utf8))
            } catch let error as DatabaseError {
                return Response(status: .internalServerError, body: Array((error.sqlState ?? "\(error.kind)").utf8))
            } catch {
                return Response(status: .internalServerError, body: Array("\(error)".utf8))
            }
        }

        /// `/rows/<k>`: k rows (1…k) from a mergeable read, the body their values joined by commas; `/plus/<k>`:
        /// k + 1 from a read whose parameter is an integer where it stands, so that its merged
        /// form (where it arrives as text) is refused; `/cast/<text>`: the text cast to an integer (`%00` sent as
        /// a NUL), refused for a run whose text is not one.
        func mergeable(_ path: String) async throws -> Response {
            let last = String(path.split(separator: "/").last ?? "")
            let k = Int(last) ?? -1
            let sql: SQL = path.hasPrefix("/rows/")
                ? "SELECT g AS n FROM generate_series(1, \(k)::int) AS g, pg_sleep(0.01) ORDER BY g DESC"
                : path.hasPrefix("/plus/")
                ? "SELECT \(k) + 1 AS n, pg_sleep(0.01)::text AS slept"
                : "SELECT \(last.replacing("%00", with: "\u{0}"))::int AS n, pg_sleep(0.01)::text AS slept"
            let rows = try await pool.reading { try await $0.query(sql) }.rows
            return Response(status: .ok, body: Array(try rows.map { String(try $0.int("n")) }.joined(separator: ",").utf8))
        }
    }

    func withPipelinedServer(_ body: (DatabasePool, Int) async throws -> Void) async throws {
        try await withLoopPool("pipe") { pool in
            try await withOneLoopServer(ReadResponder(pool: pool)) { port in try await body(pool, port) }
        }
    }

    func get(_ path: String, port: Int) async throws -> (Int, String) { try await send("GET", path, port: port) }

    func getConcurrently(_ paths: [String], port: Int) async throws -> [String: (Int, String)] {
        try await sendConcurrently("GET", paths, port: port)
    }

    @Test func concurrentReadsShareThePipelineAndEachGetsItsOwnAnswer() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/n/0", port: port)  // opens the pipeline's connection
            let before = pool.readCounts
            let paths = (1...40).map { "/n/\($0)" }
            let answers = try await getConcurrently(paths, port: port)
            for (index, path) in paths.enumerated() {
                #expect(answers[path]?.0 == 200)
                #expect(answers[path]?.1 == String(index + 1))
            }
            let after = pool.readCounts
            #expect(after.pipelined - before.pipelined + after.pooled - before.pooled == 40)
            // Only a read beyond the pipeline's capacity could have gone to the pool; 40 fit.
            #expect(after.pipelined - before.pipelined == 40)
        }
    }

    @Test func readsAskedWhileABatchIsOutWaitForItAndThenGoAsOneBatch() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/n/0", port: port)
            let before = pool.readCounts
            // The slow read is out for 1.5 s; once its batch has gone, three more come in turns of their own.
            let answers = try await withThrowingTaskGroup(of: (String, (Int, String)).self) { group in
                group.addTask { ("/slow/1", try await get("/slow/1", port: port)) }
                let patience = ContinuousClock.now + .seconds(10)
                while pool.readCounts.batches == before.batches, ContinuousClock.now < patience {
                    try await Task.sleep(for: .milliseconds(5))
                }
                for k in 2...4 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(50 * (k - 1)))
                        return ("/n/\(k)", try await get("/n/\(k)", port: port))
                    }
                }
                var answers: [String: (Int, String)] = [:]
                for try await (path, answer) in group { answers[path] = answer }
                return answers
            }
            #expect(answers["/slow/1"]?.1 == "1")
            for k in 2...4 { #expect(answers["/n/\(k)"]?.1 == String(k)) }
            let after = pool.readCounts
            #expect(after.pipelined - before.pipelined == 4)
            // One Sync for the slow read, one for the three held back behind it (one each would be four).
            #expect(after.batches - before.batches <= 2)
        }
    }

    @Test func aFailingReadGetsItsErrorAndItsBatchIsAnsweredFromThePool() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/n/0", port: port)
            let paths = (1...12).map { "/n/\($0)" } + ["/fail"]
            let answers = try await getConcurrently(paths.shuffled(), port: port)
            #expect(answers["/fail"]?.0 == 500)
            #expect(answers["/fail"]?.1 == "22012")
            for k in 1...12 {
                #expect(answers["/n/\(k)"]?.0 == 200)
                #expect(answers["/n/\(k)"]?.1 == String(k))
            }
            // The pipeline keeps serving afterwards.
            let before = pool.readCounts.pipelined
            #expect(try await get("/n/99", port: port) == (200, "99"))
            #expect(pool.readCounts.pipelined == before + 1)
        }
    }

    @Test func aConnectionTheServerClosedIsReplacedWithoutFailingAReader() async throws {
        try await withPipelinedServer { pool, port in
            #expect(try await get("/n/1", port: port) == (200, "1"))
            let name = pool.configuration.applicationName
            try await withTestPool { admin in
                _ = try await admin.withConnection { connection in
                    try await connection.query("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(name)
                        """)
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await get("/n/2", port: port) == (200, "2"))
            #expect(try await get("/n/3", port: port) == (200, "3"))
        }
    }

    @Test func runsOfOneMergeableReadShareAnExecutionAndEachGetsItsOwnRows() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/rows/1", port: port)
            let before = pool.readCounts
            let paths = (0...15).map { "/rows/\($0)" }
            let answers = try await getConcurrently(paths, port: port)
            for k in 0...15 {
                #expect(answers["/rows/\(k)"]?.0 == 200)
                let expected = k == 0 ? "" : (1...k).reversed().map(String.init).joined(separator: ",")
                #expect(answers["/rows/\(k)"]?.1 == expected)
            }
            let after = pool.readCounts
            #expect(after.pipelined - before.pipelined == 16)
            // Without merging none would be counted; the first of the 16 may go alone, the rest wait for it.
            #expect(after.merged - before.merged >= 2)
        }
    }

    @Test func aMergeableReadThatDoesNotMergeRunsOneByOne() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/plus/0", port: port)
            let answers = try await getConcurrently((1...12).map { "/plus/\($0)" }, port: port)
            for k in 1...12 { #expect(answers["/plus/\(k)"]?.1 == String(k + 1)) }
            // Refused merged once, it is sent run by run from then on, still pipelined.
            let before = pool.readCounts
            let again = try await getConcurrently((1...12).map { "/plus/\($0)" }, port: port)
            for k in 1...12 { #expect(again["/plus/\(k)"]?.1 == String(k + 1)) }
            let after = pool.readCounts
            #expect(after.merged == before.merged)
            #expect(after.pipelined - before.pipelined == 12)
        }
    }

    /// One run's bad value (a NUL, at which libpq cuts the merged array literal, or text that is no integer) makes
    /// PostgreSQL refuse the merged execution (22P02); merging must stay on for every other tenant's runs of the
    /// statement. Only a refusal of the merged SQL itself (class 42) turns it off.
    @Test func aBadValueInOneMergedRunDoesNotTurnMergingOff() async throws {
        try await withPipelinedServer { pool, port in
            _ = try await get("/cast/0", port: port)
            for bad in ["x", "7%00x"] {
                let answers = try await getConcurrently((1...11).map { "/cast/\($0)" } + ["/cast/\(bad)"], port: port)
                for k in 1...11 { #expect(answers["/cast/\(k)"]?.1 == String(k), "beside \(bad)") }
                if bad == "x" { #expect(answers["/cast/x"]?.1 == "22P02") }
                let before = pool.readCounts
                let again = try await getConcurrently((1...12).map { "/cast/\($0)" }, port: port)
                for k in 1...12 { #expect(again["/cast/\(k)"]?.1 == String(k)) }
                #expect(pool.readCounts.merged - before.merged >= 2, "after \(bad)")
            }
        }
    }

    @Test func offTheLoopsReadsRunOnThePool() async throws {
        try await withPipelinedServer { pool, _ in
            let before = pool.readCounts
            let value = try await pool.reading { try await $0.query("SELECT 7 AS n") }.rows.first?.int("n")
            #expect(value == 7)
            #expect(pool.readCounts.pooled == before.pooled + 1)
            #expect(pool.readCounts.pipelined == before.pipelined)
        }
    }
}
