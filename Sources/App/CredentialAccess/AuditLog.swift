import Domain
import HTTP1
import JSON
import Postgres

/// The audit trail of credentials handed out by `/access`. A row is committed before its answer is sent, so
/// every answer that carried a secret is on record; rows hold ids only, never a secret.
struct AuditLog: Sendable {
    let database: DatabasePool

    struct Event: Sendable {
        var organisationID: String
        var apiKeyID: String
        var connectionID: String
        var endUserID: String
        /// `UsableBinding.reference` of each binding in the answer.
        var bindings: [JSONObject]
        var requestID: String
    }

    /// Commits the row; any failure is 503 (auditLogUnavailable) and the caller hands nothing out.
    func record(_ event: Event) async throws(APIError) {
        let id = ULID.generate().string
        let bindings = JSONValue.array(event.bindings.map(JSONValue.object)).jsonText
        do {
            let inserted = try await database.withConnection { connection in
                try await connection.query("""
                    INSERT INTO audit_events (id, organisation_id, action, api_key_id, connection_id, end_user_id,
                                              bindings, request_id)
                    VALUES (\(id), \(event.organisationID), 'connection.access', \(event.apiKeyID),
                            \(event.connectionID), \(event.endUserID), \(bindings)::json, \(event.requestID))
                    """).affectedRows
            }
            guard inserted == 1 else { throw InvariantViolation("an audit insert wrote no row") }
        } catch {
            throw APIError(
                .auditLogUnavailable, "the access could not be recorded in the audit log, so no credential is returned",
                headers: ["Retry-After": "1"])
        }
    }

    /// The organisation's events, newest first, paged like every list (`first`, `after`, `before`).
    func list(organisationID: String, page: PageRequest) async throws -> Page<JSONValue> {
        var rows: [Row] = []
        var total = 0
        try await database.withConnection { connection in
            switch page.direction {
            case .forward(let after):
                // 26 'Z's sort after every ULID: the newest first page starts below it.
                let below = after ?? String(repeating: "Z", count: 26)
                rows = try await connection.query("""
                    SELECT id, created_at, api_key_id, connection_id, end_user_id, bindings, request_id FROM audit_events
                    WHERE organisation_id = \(organisationID) AND id < \(below) ORDER BY id DESC LIMIT \(page.fetchLimit)
                    """).rows
            case .backward(let before):
                rows = try await connection.query("""
                    SELECT id, created_at, api_key_id, connection_id, end_user_id, bindings, request_id FROM audit_events
                    WHERE organisation_id = \(organisationID) AND id > \(before) ORDER BY id ASC LIMIT \(page.fetchLimit)
                    """).rows
            }
            total = try await connection.query(
                "SELECT count(*) AS total FROM audit_events WHERE organisation_id = \(organisationID)"
            ).rows.first?.int("total") ?? 0
        }
        let events = try rows.map(Self.json)
        return Page(fetched: events, totalCount: total, request: page) { $0.objectValue?["id"]?.stringValue ?? "" }
    }

    /// `{id, createdAt, apiKeyId, connectionId, endUserId, bindings, requestId}`.
    private static func json(_ row: Row) throws -> JSONValue {
        [
            "id": .string(try row.string("id")), "createdAt": .string(try row.timestamp("created_at")),
            "apiKeyId": .string(try row.string("api_key_id")), "connectionId": .string(try row.string("connection_id")),
            "endUserId": .string(try row.string("end_user_id")), "bindings": .array(try row.jsonArray("bindings")),
            "requestId": .string(try row.string("request_id")),
        ]
    }
}
