import Foundation
import Postgres
import Testing

@Suite(.enabled(if: hasDatabase, "needs DATABASE_URL"))
struct QueryTests {
    @Test func injectionAttemptsAreStoredLiterally() async throws {
        let hostile = ["'; DROP TABLE users; --", "$1", "\\x00", "O'Reilly \"quoted\"", "é漢字🙂", "a\nb\tc"]
        let stored = try await withTestPool { pool in
            try await pool.withConnection { connection in
                try await connection.execute(unsafeSQL: "CREATE TEMP TABLE notes (id int, body text)")
                for (index, text) in hostile.enumerated() {
                    _ = try await connection.query("INSERT INTO notes (id, body) VALUES (\(index), \(text))")
                }
                return try await connection.query("SELECT body FROM notes ORDER BY id").rows.map { try $0.string("body") }
            }
        }
        #expect(stored == hostile)
    }

    @Test func nullsRoundTrip() async throws {
        let row = try await withTestPool { pool in
            try await pool.withConnection { connection in
                let missing: String? = nil
                let noBytes: [UInt8]? = nil
                return try await connection.query(
                    "SELECT \(missing)::text AS s, \(noBytes)::bytea AS b, NULL::bigint AS n, NULL::timestamptz AS t"
                ).rows[0]
            }
        }
        #expect(try row.optionalString("s") == nil)
        #expect(try row.optionalBytes("b") == nil)
        #expect(try row.optionalInt("n") == nil)
        #expect(try row.optionalTimestampMicros("t") == nil)
        #expect(throws: DatabaseError.self) { try row.string("s") }
    }

    @Test func byteaRoundTripsEveryByte() async throws {
        let everyByte = (0...255).map(UInt8.init) + [0, 0]
        let (echoed, empty, length) = try await withTestPool { pool in
            try await pool.withConnection { connection in
                let row = try await connection.query(
                    "SELECT \(everyByte)::bytea AS b, \([UInt8]())::bytea AS e, length(\(everyByte)::bytea) AS n"
                ).rows[0]
                return (try row.bytes("b"), try row.bytes("e"), try row.int("n"))
            }
        }
        #expect(echoed == everyByte)
        #expect(empty == [])
        #expect(length == everyByte.count)
    }

    /// All parameter kinds side by side, in one block: empty text, NULLs between values, an empty and a
    /// non-empty bytea, and a value too large for temporary stack storage.
    @Test func mixedParametersKeepTheirBoundaries() async throws {
        let large = String(repeating: "λx", count: 100_000)
        let missing: String? = nil
        let row = try await withTestPool { pool in
            try await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT \("")::text AS empty, \(missing)::text AS gap, \([UInt8]([0, 7, 0]))::bytea AS b,
                           \([UInt8]())::bytea AS e, \(large)::text AS large, \("é漢")::text AS tail
                    """
                ).rows[0]
            }
        }
        #expect(try row.string("empty") == "")
        #expect(try row.optionalString("gap") == nil)
        #expect(try row.bytes("b") == [0, 7, 0])
        #expect(try row.bytes("e") == [])
        #expect(try row.string("large") == large)
        #expect(try row.string("tail") == "é漢")
    }

    @Test func scalarsAndTimestamps() async throws {
        let row = try await withTestPool { pool in
            try await pool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT \(Int64(-9_000_000_000))::bigint AS big, \(true)::boolean AS yes, \(false)::boolean AS no,
                           '2026-11-29 05:35:06.123456+02'::timestamptz AS fixed,
                           to_timestamp(\(Int64(1_795_923_306))::bigint) AS fromepoch,
                           now() AS now
                    """
                ).rows[0]
            }
        }
        #expect(try row.int("big") == -9_000_000_000)
        #expect(try row.bool("yes") && !(try row.bool("no")))
        #expect(try row.timestampMicros("fixed") == 1_795_923_306_123_456)
        #expect(try row.timestampMicros("fromepoch") == 1_795_923_306_000_000)
        let nowMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(abs(try row.timestampMicros("now") - nowMicros) < 60_000_000)
    }

    @Test func uniqueViolationNamesConstraintButNotValue() async throws {
        let secret = "secret-value-\(UUID().uuidString)"
        try await withTestPool { pool in
            try await withTable(pool, columns: "name text CONSTRAINT pgtest_name_unique UNIQUE") { table in
                // Table names are schema, not data: built as text, while the value stays a bound parameter.
                var statement = SQL(unsafe: "INSERT INTO \(table) (name) VALUES ($1)")
                statement.binds = [secret.postgresBind]
                let insert = statement
                let affected = try await pool.withConnection { try await $0.query(insert).affectedRows }
                #expect(affected == 1)
                let error = await databaseError { _ = try await pool.withConnection { try await $0.query(insert) } }
                #expect(error?.sqlState == "23505")
                #expect(error?.isUniqueViolation == true)
                #expect(error?.constraint == "pgtest_name_unique")
                #expect(error?.table == table)
                #expect(error?.kind == .query)
                #expect(error.map { String(describing: $0).contains(secret) } == false)
                #expect(error.map { "\($0)".contains(secret) } == false)
                // Only the primary message is kept (for deliberate diagnostics); the DETAIL quoting the key is not.
                #expect(error.map { String(reflecting: $0).contains("duplicate key") } == true)
                #expect(error.map { String(reflecting: $0).contains(secret) } == false)
            }
        }
    }

    @Test func statementTimeoutIsReportedAsTimeout() async throws {
        let error = try await withTestPool({ $0.statementTimeout = .milliseconds(200) }) { pool in
            await databaseError { _ = try await pool.withConnection { try await $0.query("SELECT pg_sleep(2)") } }
        }
        #expect(error?.kind == .timeout)
        #expect(error?.sqlState == "57014")
    }

    @Test func sessionRunsInUTC() async throws {
        let zone = try await withTestPool { pool in
            try await pool.withConnection { try await $0.query("SHOW TIME ZONE").rows[0].string("TimeZone") }
        }
        #expect(zone == "UTC")
    }
}

@Suite(.enabled(if: hasDatabase, "needs DATABASE_URL"))
struct PreparedStatementTests {
    @Test func staleCachedPlanIsPreparedAgainOutsideTransactions() async throws {
        let columns = try await withTestPool({ $0.poolSize = 1 }) { pool in
            try await pool.withConnection { connection in
                try await connection.execute(unsafeSQL: "CREATE TEMP TABLE shapes (a int); INSERT INTO shapes VALUES (1)")
                let select: SQL = "SELECT * FROM shapes WHERE a = \(1)"
                _ = try await connection.query(select)
                try await connection.execute(unsafeSQL: "ALTER TABLE shapes ADD COLUMN b text DEFAULT 'x'")
                return try await connection.query(select).rows[0].string("b")
            }
        }
        #expect(columns == "x")
    }

    @Test func uncachedStatementsStillBind() async throws {
        let echoed = try await withTestPool({ $0.preparedStatementCacheSize = 0 }) { pool in
            try await pool.withConnection { try await $0.query("SELECT \("it's")::text AS v").rows[0].string("v") }
        }
        #expect(echoed == "it's")
    }
}
