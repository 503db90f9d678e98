import Postgres

/// Reads and expires stored `Idempotency-Key` answers outside the create's own statements.
enum IdempotencyExpiry {
    /// The fresh stored answer for a key, if any (after a write lost a race to its twin).
    static func stored(
        _ key: IdempotencyKey, organisationID: String, _ database: DatabasePool
    ) async throws -> CreationTargets.StoredAnswer? {
        try await database.withConnection { connection in
            let rows = try connection.query("""
                SELECT request_hash, status, headers, body FROM idempotency_keys
                WHERE organisation_id = \(organisationID) AND scope = \(key.scope) AND key = \(key.key)
                  AND created_at > now() - interval '24 hours'
                """).rows
            return try rows.first.map { row in
                CreationTargets.StoredAnswer(
                    requestHash: try row.bytes("request_hash"), status: try row.int("status"),
                    headers: try row.jsonObject("headers"), body: try row.bytes("body"), isFresh: true)
            }
        }
    }

    /// Deletes the key's answer once it is older than 24 hours, so the key can be used again.
    static func forget(_ key: IdempotencyKey, organisationID: String, _ database: DatabasePool) async throws {
        _ = try await database.withConnection { connection in
            try connection.query("""
                DELETE FROM idempotency_keys
                WHERE organisation_id = \(organisationID) AND scope = \(key.scope) AND key = \(key.key)
                  AND created_at <= now() - interval '24 hours'
                """)
        }
    }
}
