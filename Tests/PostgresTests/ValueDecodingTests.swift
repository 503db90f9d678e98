import Testing

@testable import Postgres

@Suite struct TimestampTextTests {
    @Test(arguments: [
        ("1970-01-01 00:00:00+00", Int64(0)),
        ("2026-11-29 03:35:06.123456+00", Int64(1_795_923_306_123_456)),
        ("2026-11-29 03:35:06.5+00", Int64(1_795_923_306_500_000)),
        ("2026-11-29 05:35:06+02", Int64(1_795_923_306_000_000)),
        ("2026-11-29 03:05:06-00:30", Int64(1_795_923_306_000_000)),
        ("1969-12-31 23:59:59.999999+00", Int64(-1)),
        ("2000-02-29 00:00:00+00", Int64(951_782_400_000_000)),
    ])
    func parsesPostgresOutput(text: String, micros: Int64) {
        #expect(TimestampText.microsecondsSinceEpoch(text) == micros)
    }

    @Test(arguments: [
        "", "infinity", "2026-11-29", "2026-13-01 00:00:00+00", "2026-11-29 24:00:00+00",
        "2026-11-29 03:35:06.1234567+00", "2026-11-29 03:35:06.+00", "2026-11-29 03:35:06+00 BC",
        "12026-11-29 03:35:06+00", "2026-11-29 03:35:06Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(TimestampText.microsecondsSinceEpoch(text) == nil)
    }
}

@Suite struct ByteaHexTests {
    @Test func decodesHex() {
        #expect(ByteaHex.decode("\\x") == [])
        #expect(ByteaHex.decode("\\x00ff10Ab") == [0x00, 0xFF, 0x10, 0xAB])
    }

    @Test(arguments: ["", "00ff", "\\x0", "\\xzz", "\\000"])
    func rejectsMalformed(text: String) {
        #expect(ByteaHex.decode(text) == nil)
    }
}

@Suite struct SQLTests {
    /// Joining renumbers the placeholders interpolation recorded, and only those: a `$` written in the text (a
    /// literal, a dollar-quoted body) is left as it is, whatever follows it.
    @Test func joiningRenumbersRecordedPlaceholdersOnly() {
        let first: SQL = "SELECT '$1' AS q, \(7) AS n FROM t WHERE a = \("x")"
        let second: SQL = "AND b = $$ $2 $$ AND c = \("y")::text AND d = '$'"
        let joined = SQL.joining([first, SQL(unsafe: "-- $9"), second])
        #expect(joined.text == "SELECT '$1' AS q, $1 AS n FROM t WHERE a = $2 -- $9 AND b = $$ $2 $$ AND c = $3::text AND d = '$'")
        #expect(joined.binds == [.text("7"), .text("x"), .text("y")])
        // The offsets stay right through a second composition.
        let twice = SQL.joining(["SELECT \(0),", joined])
        #expect(twice.text.hasSuffix("$2 AS n FROM t WHERE a = $3 -- $9 AND b = $$ $2 $$ AND c = $4::text AND d = '$'"))
        #expect(twice.binds.count == 4)
    }

    /// Past nine parameters a placeholder's number grows a digit.
    @Test func joiningPastNineParameters() {
        let parts: [SQL] = (1...12).map { "c\($0) = \($0)" }
        let joined = SQL.joining(parts)
        #expect(joined.text == (1...12).map { "c$\(2 * $0 - 1) = $\(2 * $0)" }.joined(separator: " "))
        #expect(joined.binds == (1...12).flatMap { [PostgresBind.text("\($0)"), .text("\($0)")] })
    }

    /// Statements of one shape share a rendering; a shape differing only in a fixed text's content, or in where
    /// a placeholder stands, gets its own.
    @Test func aShapeIsRenderedOnceAndOnlyForItself() {
        func statement(_ table: String, _ value: String) -> SQL {
            SQL.joining([SQL(unsafe: "SELECT * FROM \(table)"), "WHERE a = \(value)"])
        }
        #expect(statement("t", "x").text == "SELECT * FROM t WHERE a = $1")
        #expect(statement("t", "y").digest == statement("t", "x").digest)
        #expect(statement("u", "x").text == "SELECT * FROM u WHERE a = $1")
        #expect(SQL.joining(["SELECT \("x")", "WHERE b"]).text == "SELECT $1 WHERE b")
        #expect(SQL.joining(["SELECT", "\("x") WHERE b"]).text == "SELECT $1 WHERE b")
        #expect(statement("t", "x").digest == ByteHash.of("SELECT * FROM t WHERE a = $1"))
    }

    @Test func interpolationBecomesNumberedParameters() {
        let name = "x'); DROP TABLE hubs; --"
        let missing: String? = nil
        let sql: SQL = "SELECT * FROM t WHERE name = \(name) AND n = \(42) AND b = \([UInt8]([1, 2])) AND o = \(missing)"
        #expect(sql.text == "SELECT * FROM t WHERE name = $1 AND n = $2 AND b = $3 AND o = $4")
        #expect(sql.binds == [.text(name), .text("42"), .binary([1, 2]), .null])
    }

    @Test func descriptionsRedactValues() {
        let secret = "hunter2-secret"
        let sql: SQL = "UPDATE t SET password = \(secret)"
        #expect(!String(describing: sql).contains(secret))
        #expect(!String(describing: sql.binds).contains(secret))
        #expect(!String(reflecting: PostgresBind.text(secret)).contains(secret))
    }

    @Test func configurationHidesTheConnectionString() {
        let configuration = DatabaseConfiguration(connectionString: "postgres://app:pa55word@db/app")
        #expect(!String(describing: configuration).contains("pa55word"))
        #expect(!String(reflecting: configuration).contains("pa55word"))
    }

    @Test func rowGettersRejectMismatches() throws {
        let row = Row(layout: ColumnLayout(names: ["n", "flag", "nothing"]), values: ["12x", "t", nil])
        #expect(throws: DatabaseError.self) { try row.int("n") }
        #expect(throws: DatabaseError.self) { try row.string("missing") }
        #expect(throws: DatabaseError.self) { try row.string("nothing") }
        #expect(try row.bool("flag"))
        #expect(try row.optionalString("nothing") == nil)
    }
}
