import Postgres

/// An `Idempotency-Key` row outside the create's own two statements: the lookup behind a rejected body, the
/// removal of an expired row, and the release of a claim whose request failed.
enum IdempotencyStore {
    /// The key's live row (an answer within 24 hours, or a claim within 2 minutes), if any.
    static func live(
        _ key: IdempotencyKey, organisationID: String, _ database: DatabasePool
    ) async throws -> CreationTargets.StoredAnswer? {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT request_hash, status, headers, body FROM idempotency_keys
                WHERE organisation_id = \(organisationID) AND scope = \(key.scope) AND key = \(key.key)
                  AND created_at > now() - CASE WHEN status = 0 THEN interval '2 minutes' ELSE interval '24 hours' END
                """).rows
            return try rows.first.map { row in
                CreationTargets.StoredAnswer(
                    requestHash: try row.bytes("request_hash"), status: try row.int("status"),
                    headers: try row.jsonObject("headers"), body: try row.bytes("body"), isExpired: false)
            }
        }
    }

    /// Deletes the key's row once it has expired, so the key can be claimed again.
    static func forgetExpired(_ key: IdempotencyKey, organisationID: String, _ database: DatabasePool) async throws {
        _ = try await database.withConnection { connection in
            try await connection.query("""
                DELETE FROM idempotency_keys
                WHERE organisation_id = \(organisationID) AND scope = \(key.scope) AND key = \(key.key)
                  AND created_at <= now() - CASE WHEN status = 0 THEN interval '2 minutes' ELSE interval '24 hours' END
                """)
        }
    }

    /// Gives the key back after this request failed: failed requests are not kept, a retry runs anew.
    static func release(_ key: IdempotencyKey, organisationID: String, _ database: DatabasePool) async throws {
        _ = try await database.withConnection { connection in
            try await connection.query("""
                DELETE FROM idempotency_keys
                WHERE organisation_id = \(organisationID) AND scope = \(key.scope) AND key = \(key.key) AND status = 0
                """)
        }
    }
}
