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
    /// A digest a caller supplied never outlives the text it was computed for.
    @Test func aKnownDigestIsDroppedWhenTheTextChanges() {
        var sql = SQL(unsafe: "SELECT 1")
        #expect(sql.digest == ByteHash.of("SELECT 1"))
        sql.knownDigest = 42
        #expect(sql.digest == 42)
        sql.text += " + 1"
        #expect(sql.knownDigest == nil)
        #expect(sql.digest == ByteHash.of("SELECT 1 + 1"))
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
