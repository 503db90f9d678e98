import Domain
import JSON
import Postgres
import TraceContext

/// Writes events to the outbox, always inside the statement or transaction that makes the change they report:
/// no change is committed without its event and no event without its change. The event is written not yet fanned
/// out; the delivery worker makes its deliveries, in batches (`WebhookFanOut`), so a change pays for one row however
/// many webhooks subscribe. An event no webhook subscribes to is not stored: nobody could receive or list it, and a
/// create of an organisation without webhooks then costs one index probe.
enum WebhookOutbox {
    /// Appends one event inside the caller's transaction (`database.withTransaction { … append(…, on: $0) }`):
    /// the way every change that runs as a transaction reports itself. `data` carries ids and names, never a
    /// secret.
    static func append(
        _ type: WebhookEventType, organisationID: String, data: JSONValue, on database: some StatementRunning
    ) async throws {
        try await append(type, organisationID: organisationID, data: "\(data.jsonText)::json", from: "", on: database)
    }

    /// `append` with `data` an expression over `from`, read in the same statement (see `insertion`).
    static func append(
        _ type: WebhookEventType, organisationID: String, id: SQL? = nil, data: SQL, from: SQL,
        on database: some StatementRunning
    ) async throws {
        let parts = insertion(type, organisationID: organisationID, id: id, data: data, from: from, createdAt: .now())
        _ = try await database.query(SQL.joining(["WITH"] + parts + ["SELECT 1"]))
    }

    /// One event of `type` for each row in `rowIDs`, in one statement, each with an id made here: `joins` starts
    /// from `p.item` (the row's id) and reaches what `data` reads. For deletions, whose rows must be read while
    /// they still exist, inside the deleting transaction.
    static func appendEach(
        _ type: WebhookEventType, organisationID: String, rowIDs: [String], joins: SQL, data: SQL,
        on database: some StatementRunning
    ) async throws {
        guard !rowIDs.isEmpty else { return }
        let events = JSONValue.array(rowIDs.map { ["event": .string(ULID.generate().string), "item": .string($0)] })
        let from = SQL.joining(["FROM json_to_recordset(\(events.jsonText)::json) AS p (event text, item text)", joins])
        try await append(type, organisationID: organisationID, id: "p.event", data: data, from: from, on: database)
    }

    /// The same write as part of a larger statement's `WITH` list, for changes made by one statement (the
    /// group-committed create): `outbox_event AS (…)`, no trailing comma. `data` is an expression over `from` (a
    /// `FROM …` clause, or empty), which yields one row when the change was made and none when it was not: then
    /// nothing is written. `id`, when given, is an expression over `from` too, for a `from` that yields one row per
    /// event (each with an id made beforehand); otherwise a new id of `createdAt`'s time (pruning reads ids as time).
    static func insertion(
        _ type: WebhookEventType, organisationID: String, id: SQL? = nil, data: SQL, from: SQL, createdAt: Timestamp
    ) -> [SQL] {
        // The trace of the work that makes the change (a request's, a token refresh's), which deliveries continue.
        let trace = RequestTrace.current
        let event: SQL = """
            INSERT INTO webhook_events (id, organisation_id, type, created_at, data, traceparent, tracestate, fanned_out)
            SELECT changed.id, \(organisationID), \(type.rawValue), \(createdAt.rfc3339)::timestamptz, changed.data,
                   \(trace?.traceparent)::text, \(trace?.state)::text, false
            FROM (SELECT
            """
        return [
            "outbox_event AS (", event, id ?? "\(ULID.generate(at: createdAt).string)::text", "AS id,",
            data, "AS data", from,
            """
            ) AS changed
            WHERE EXISTS (SELECT 1 FROM webhooks w
                          WHERE w.organisation_id = \(organisationID) AND \(type.rawValue)::text = ANY (w.events))
            )
            """,
        ]
    }
}
