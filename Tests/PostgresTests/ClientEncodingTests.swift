import Postgres
import Testing

/// Hardening: every connection speaks UTF-8 whatever `DATABASE_URL` says, since text is sent and read as UTF-8
/// (and `MergedReads` escapes array literals assuming it). A URL's `client_encoding` or `options=-c …` must not
/// change it.
@Suite(.enabled(if: hasDatabase, "needs DATABASE_URL"))
struct ClientEncodingTests {
    /// DATABASE_URL with `parameter` added, in its own syntax (URL query or keyword/value).
    static func withParameter(_ parameter: String) -> String {
        let url = databaseURL ?? ""
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { return url + " " + parameter }
        return url + (url.contains("?") ? "&" : "?") + parameter
    }

    @Test(arguments: ["client_encoding=LATIN1", "options=-c%20client_encoding%3DLATIN1"])
    func aDatabaseURLCannotChangeTheClientEncoding(_ parameter: String) async throws {
        let url = Self.withParameter(parameter)
        let (encoding, text) = try await withTestPool({ $0.connectionString = url }) { pool in
            try await pool.withConnection { connection in
                let encoding = try await connection.query("SHOW client_encoding").rows[0].string("client_encoding")
                let text = try await connection.query("SELECT \("é漢字🙂")::text AS t").rows[0].string("t")
                return (encoding, text)
            }
        }
        #expect(encoding == "UTF8")
        #expect(Array(text.utf8) == Array("é漢字🙂".utf8))
    }
}
