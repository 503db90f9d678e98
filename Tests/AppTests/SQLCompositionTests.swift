@testable import App
import Postgres
import Testing

struct SQLCompositionTests {
    @Test func appendedPlaceholdersAreRenumberedAfterTheFirstPart() {
        let first: SQL = "SELECT * FROM t WHERE a = \("x") AND b = \("y")"
        let second: SQL = "AND c = \("z") OR d IN (\("1"), \("2"), \("3"), \("4"), \("5"), \("6"), \("7"), \("8"), \("9"), \("10"))"
        let combined = first.appending(second)
        #expect(combined.text == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 OR d IN ($4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        #expect(combined.binds.count == 13)
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
        var adjacent: SQL = "\("a")"
        adjacent.text += "$1é$"
        #expect(first.appending(adjacent).text == "SELECT $1, $2 $3$3é$")
        #expect(first.appending(SQL(unsafe: "$")).text == "SELECT $1, $2 $")
    }
}
