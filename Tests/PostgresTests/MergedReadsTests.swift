@testable import Postgres
import Testing

/// The text, parameters and splitting of merged reads, without a database (the merged statements themselves run
/// in `ReadPipelineTests`).
@Suite struct MergedReadsTests {
    @Test func parametersBecomeKeyColumnsAndLiteralDollarsStay() {
        let sql: SQL = "SELECT '$1' AS q, \(12)::int AS n FROM t WHERE a = \("a") AND b = coalesce(\("b")::text, '') AND c = '$'"
        #expect(MergedReads.referencingKeys(sql) == """
            SELECT '$1' AS q, pipeline_keys.p1::int AS n FROM t WHERE a = pipeline_keys.p2 AND \
            b = coalesce(pipeline_keys.p3::text, '') AND c = '$'
            """)
    }

    @Test func oneStatementTextServesAnyNumberOfRuns() {
        #expect(MergedReads.text(merging: "SELECT 1 AS one") == nil)
        #expect(MergedReads.text(merging: "SELECT x FROM t WHERE a = \("a") AND b = \(2)::int") == """
            SELECT pipeline_keys.pipeline_ordinal, pipeline_run.* FROM unnest($1::text[], $2::text[]) WITH \
            ORDINALITY AS pipeline_keys (p1, p2, pipeline_ordinal) CROSS JOIN LATERAL (SELECT x FROM t WHERE \
            a = pipeline_keys.p1 AND b = pipeline_keys.p2::int) AS pipeline_run
            """)
    }

    @Test func eachPositionBecomesATextArrayLiteralOfEveryRunsValue() {
        let binds = MergedReads.binds([
            [.text("user-1"), .text("say \"hi\""), .null],
            [.text("a\\b"), .text(""), .text("NULL")],
        ])
        #expect(binds == [.text(#"{"user-1","a\\b"}"#), .text(#"{"say \"hi\"",""}"#), .text(#"{NULL,"NULL"}"#)])
    }

    @Test func binaryParametersOrUnevenRunsAreNotMerged() {
        #expect(MergedReads.binds([[.binary([1, 2])], [.text("x")]]) == nil)
        #expect(MergedReads.binds([[.text("x")], [.text("x"), .text("y")]]) == nil)
        #expect(MergedReads.binds([]) == nil)
    }

    @Test func rowsGoToTheirRunInOrderAndARunWithoutRowsGetsNone() throws {
        let layout = ColumnLayout(names: [MergedReads.ordinalColumn, "v"])
        let rows = [("3", "c1"), ("1", "a1"), ("3", "c2"), ("1", "a2")].map { Row(layout: layout, values: [$0.0, $0.1]) }
        let parts = try #require(MergedReads.split(QueryResult(rows: rows, affectedRows: 4), runs: 3))
        #expect(try parts.map { try $0.rows.map { try $0.string("v") } } == [["a1", "a2"], [], ["c1", "c2"]])
        #expect(parts.map(\.affectedRows) == [2, 0, 2])
    }

    /// Only a refusal of the merged SQL itself (class 42) turns merging off for its statement; a value's failure
    /// (class 22: one run's text that is no integer, or a NUL that cuts the array literal short) does not.
    @Test func onlyARefusalOfTheStatementsFormTurnsMergingOff() {
        for state in ["42883", "42804", "42P18", "42601"] {
            #expect(DatabaseError(kind: .query, sqlState: state).isRefusedStatementForm, "\(state)")
        }
        for state in ["22P02", "22021", "22003", "57014", "53200", "40001", "0A000", "26000", nil] as [String?] {
            #expect(!DatabaseError(kind: .query, sqlState: state).isRefusedStatementForm, "\(state ?? "-")")
        }
        #expect(!DatabaseError(kind: .timeout, sqlState: "42883").isRefusedStatementForm)
    }

    @Test func aRowWithoutAValidOrdinalSpoilsTheSplit() {
        let layout = ColumnLayout(names: [MergedReads.ordinalColumn, "v"])
        for ordinal in ["0", "4", "x", nil] as [String?] {
            let rows = [Row(layout: layout, values: [ordinal, "v"])]
            #expect(MergedReads.split(QueryResult(rows: rows, affectedRows: 1), runs: 3) == nil)
        }
    }
}
