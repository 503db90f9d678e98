import Domain
import Postgres

/// The public half of an end-user token signing key; the private half is never stored.
struct SigningKeyRecord: Sendable {
    var id: String
    var name: String
    var publicKeyPEM: String
    var createdAt: String

    init(row: Row) throws {
        id = try row.string("id")
        name = try row.string("name")
        publicKeyPEM = try row.string("public_key_pem")
        createdAt = try row.timestamp("created_at")
    }
}

/// Signing keys of one organisation; every statement but the public-key lookup is filtered by organisation_id.
struct SigningKeyStore: Sendable {
    let database: DatabasePool
    private static let select = "SELECT signing_keys.id, name, public_key_pem, created_at FROM signing_keys"

    func insert(organisationID: String, name: String, publicKeyPEM: String) async throws -> SigningKeyRecord {
        let id = ULID.generate().string
        return try await database.withConnection { connection in
            try SigningKeyRecord(row: try await connection.query("""
                INSERT INTO signing_keys (id, organisation_id, name, public_key_pem)
                VALUES (\(id), \(organisationID), \(name), \(publicKeyPEM))
                RETURNING id, name, public_key_pem, created_at
                """).rows[0])
        }
    }

    func list(organisationID: String, page: PageRequest) async throws -> Page<SigningKeyRecord> {
        try await database.withConnection { connection in
            try await KeysetQuery.page(
                connection, select: Self.select, table: "signing_keys", organisationID: organisationID, page: page,
                id: \.id, decode: SigningKeyRecord.init(row:))
        }
    }

    /// Any organisation's key: public keys are served without authentication (`GET /keys/{id}`).
    func find(id: String) async throws -> SigningKeyRecord? {
        try await database.withConnection { connection in
            try await connection.query("""
                SELECT id, name, public_key_pem, created_at FROM signing_keys WHERE id = \(id)
                """).rows.first.map(SigningKeyRecord.init(row:))
        }
    }

    /// True when a key was deleted. Tokens it signed fail from the next request on (the authenticator reads this table).
    func delete(id: String, organisationID: String) async throws -> Bool {
        try await database.withConnection { connection in
            try await connection.query("""
                DELETE FROM signing_keys WHERE id = \(id) AND organisation_id = \(organisationID)
                """).affectedRows == 1
        }
    }
}
