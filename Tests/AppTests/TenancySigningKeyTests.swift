@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// Organisations API signing keys over a real server and database.
@Suite(.enabled(if: TestApp.isAvailable)) struct TenancySigningKeyTests {
    @Test func createReturnsThePrivateKeyOnceAndListsOnlyPublicHalves() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let created = try await app.expect(201, .POST, "/organisations/\(org.id)/keys", org, ["name": "Key one"])
            let id = try created.string("id")
            #expect(created["name"] == "Key one")
            #expect(try created.string("publicKey").hasPrefix("-----BEGIN PUBLIC KEY-----"))
            #expect(try created.string("privateKey").contains("PRIVATE KEY-----"))
            #expect(created["createdAt"]?.stringValue?.hasSuffix("Z") == true)
            #expect(created.headers["Location"] == "/keys/\(id)")

            let list = try await app.expect(200, .GET, "/organisations/\(org.id)/keys", org)
            #expect(list["totalCount"] == 1)
            #expect(list["keys"]?[0]?["id"]?.stringValue == id)
            #expect(list["keys"]?[0]?["privateKey"] == nil)

            let publicKey = try await app.expect(200, .GET, "/keys/\(id)", org)
            #expect(publicKey["publicKey"] == created["publicKey"])
            #expect(publicKey["privateKey"] == nil)

            try await app.expect(204, .DELETE, "/organisations/\(org.id)/keys/\(id)", org)
            let gone = try await app.expect(404, .GET, "/keys/\(id)", org)
            #expect(gone.errorCode == "404006")
            #expect(try await app.expect(404, .DELETE, "/organisations/\(org.id)/keys/\(id)", org).errorCode == "404006")
        }
    }

    @Test func createValidatesTheBody() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let missing = try await app.expect(400, .POST, "/organisations/\(org.id)/keys", org, [:])
            #expect(missing["fields"]?[0]?["field"] == "name")
            let unknown = try await app.expect(400, .POST, "/organisations/\(org.id)/keys", org, ["name": "k", "bits": 512])
            #expect(unknown["fields"]?[0]?["field"] == "bits")
            let notJSON = try await app.send(.POST, "/organisations/\(org.id)/keys", headers: org.auth, body: Array("name=k".utf8), contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == 415)
        }
    }

    @Test func listPagesWithCursors() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            var ids: [String] = []
            for index in 0..<3 { ids.append(try await app.createSigningKey(org, name: "k\(index)").id) }
            let first = try await app.expect(200, .GET, "/organisations/\(org.id)/keys?first=2", org)
            #expect(first["totalCount"] == 3)
            #expect(first["keys"]?[0]?["id"]?.stringValue == ids[0] && first["keys"]?[1]?["id"]?.stringValue == ids[1])
            let next = try #require(first["next"]?.stringValue)
            #expect(first["prev"] == nil)
            let second = try await app.expect(200, .GET, "/organisations/\(org.id)/keys?first=2&after=\(next)", org)
            #expect(second["keys"]?[0]?["id"]?.stringValue == ids[2] && second["keys"]?[1] == nil)
            #expect(second["next"] == nil)
            let prev = try #require(second["prev"]?.stringValue)
            let back = try await app.expect(200, .GET, "/organisations/\(org.id)/keys?first=2&before=\(prev)", org)
            #expect(back["keys"]?[0]?["id"]?.stringValue == ids[0] && back["keys"]?[1]?["id"]?.stringValue == ids[1])
            #expect(try await app.expect(400, .GET, "/organisations/\(org.id)/keys?first=0", org).errorCode == "400004")
        }
    }

    /// The reference answers every key: without `first` no default page size applies.
    @Test func listWithoutFirstAnswersEveryKey() async throws {
        try await withTestApp { app in
            let org = try await app.createOrganisation()
            let count = PageRequest.defaultSize + 2
            let organisationID = org.id
            // Rows, not RSA keys: the list reads what is stored, and 22 key pairs would cost seconds.
            try await app.context.database.withConnection { connection in
                for index in 0..<count {
                    _ = try await connection.query("""
                        INSERT INTO signing_keys (id, organisation_id, name, public_key_pem)
                        VALUES (\(ULID.generate().string), \(organisationID), \("k\(index)"), 'pem')
                        """)
                }
            }
            let whole = try await app.expect(200, .GET, "/organisations/\(org.id)/keys", org)
            #expect(whole["keys"]?.count == count && whole["totalCount"] == .number(Double(count)))
            #expect(whole["next"] == nil && whole["prev"] == nil)
            let paged = try await app.expect(200, .GET, "/organisations/\(org.id)/keys?first=\(PageRequest.defaultSize)", org)
            #expect(paged["keys"]?.count == PageRequest.defaultSize && paged["next"] != nil)
            let rest = try await app.expect(200, .GET, "/organisations/\(org.id)/keys?after=\(try paged.string("next"))", org)
            #expect(rest["keys"]?.count == 2 && rest["next"] == nil && rest["prev"] != nil)
        }
    }
}
