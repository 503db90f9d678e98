@testable import Postgres
import Testing

struct SQLCompositionTests {
    @Test func appendedPlaceholdersAreRenumberedAfterTheFirstPart() {
        let first: SQL = "SELECT * FROM t WHERE a = \("x") AND b = \("y")"
        let second: SQL = "AND c = \("z") OR d IN (\("1"), \("2"), \("3"), \("4"), \("5"), \("6"), \("7"), \("8"), \("9"), \("10"))"
        let combined = first.appending(second)
        #expect(combined.text == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 OR d IN ($4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        #expect(combined.binds.count == 13)
    }

    /// Joining many parts at once equals appending them one by one: binds in order, placeholders renumbered
    /// after every part before, parts without binds or text kept.
    @Test func joiningEqualsAChainOfAppends() {
        let parts: [SQL] = [
            "WITH a AS (SELECT \("x"))", SQL(unsafe: "SELECT"), "\("y"), \("z")", "", "FROM t WHERE c = \("w")",
        ]
        let joined = SQL.joining(parts)
        let chained = parts.dropFirst().reduce(parts[0]) { $0.appending($1) }
        #expect(joined.text == "WITH a AS (SELECT $1) SELECT $2, $3  FROM t WHERE c = $4")
        #expect(joined.text == chained.text)
        #expect(joined.binds == [.text("x"), .text("y"), .text("z"), .text("w")])
        #expect(joined.binds == chained.binds)
    }

    @Test func textWithoutPlaceholdersAndBareDollarsIsKept() {
        let first: SQL = "SELECT \("x")"
        #expect(first.appending(SQL(unsafe: "FROM t")).text == "SELECT $1 FROM t")
        #expect(first.appending("WHERE s = '$' AND u = \("é")").text == "SELECT $1 WHERE s = '$' AND u = $2")
        #expect(SQL(unsafe: "SELECT 1").appending("WHERE a = \("x")").text == "SELECT 1 WHERE a = $1")
    }

    /// Runs between placeholders are copied in bulk: placeholders at either end, next to each other, and a bare
    /// `$` at the very end.
    @Test func placeholdersAtTheEdgesOfAPart() {
        let first: SQL = "SELECT \("x"), \("y")"
        #expect(first.appending("\("a")").text == "SELECT $1, $2 $3")
        let adjacent: SQL = "\("a")\("b")é$1$"
        #expect(first.appending(adjacent).text == "SELECT $1, $2 $3$4é$1$")
        #expect(first.appending(SQL(unsafe: "$")).text == "SELECT $1, $2 $")
    }
}
