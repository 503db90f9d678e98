@testable import App
import Domain
import Foundation
import JSON
import Postgres
import TestSupport
import Testing

/// Reads every row of every table as text and checks that no API key and no private key is stored in plaintext.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancySecretsAtRestTests {
    @Test func databaseHoldsNoAPIKeyOrPrivateKey() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let key = try await app.createSigningKey(org)
            let extra = try await OperatorCommands.makeAPIKey(organisationID: org.id, database: app.context.database)
            let dump = try await app.context.database.withConnection { connection in
                let tables = try await connection.query("""
                    SELECT table_name FROM information_schema.tables
                    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                    """).rows.map { try $0.string("table_name") }
                var text = ""
                for table in tables {
                    // Table names come from the catalogue, quoted as identifiers.
                    let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    for row in try await connection.query(SQL(unsafe: "SELECT t::text AS row FROM \(quoted) t")).rows {
                        text += try row.string("row") + "\n"
                    }
                }
                return text
            }
            #expect(dump.contains(org.id), "the dump should include the organisation, or the check reads nothing")
            let hex = { (text: String) in text.utf8.map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
            for secret in [org.apiKey, extra.apiKey.value] {
                #expect(!dump.contains(secret))
                #expect(!dump.contains(String(secret.dropFirst(4))))
                #expect(!dump.contains(hex(secret)))
            }
            let privateBody = key.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }
            #expect(privateBody.count > 5)
            for line in privateBody { #expect(!dump.contains(line)) }
            #expect(!dump.contains("PRIVATE KEY"))
        }
    }
}
