import JSON
import Postgres

/// Credentials belong to the organisation, not to a connection: when a connection or end user goes, its
/// credentials go too unless another connection still binds them.
enum CredentialCleanup {
    /// Deletes those of `ids` that no binding references any more. Run after the bindings are gone, in the
    /// same transaction. Returns how many were deleted.
    @discardableResult
    static func deleteUnbound(_ ids: [String], on connection: PGConnection) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await connection.query("""
            DELETE FROM credentials cr
            WHERE cr.id IN (SELECT jsonb_array_elements_text(\(JSONValue.strings(ids).jsonText)::jsonb))
              AND NOT EXISTS (SELECT 1 FROM connection_credentials b WHERE b.credential_id = cr.id)
            """).affectedRows
    }

    /// The credential ids bound by the connections matching `condition` (on `connections c`).
    static func boundCredentialIDs(where condition: SQL, on connection: PGConnection) async throws -> [String] {
        let sql = SQL("""
            SELECT DISTINCT b.credential_id FROM connection_credentials b
            JOIN connections c ON c.id = b.connection_id
            WHERE
            """).appending(condition)
        return try await connection.query(sql).rows.map { try $0.string("credential_id") }
    }
}
