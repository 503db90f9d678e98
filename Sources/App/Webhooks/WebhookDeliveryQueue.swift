import Domain
import JSON
import Postgres

/// A delivery the worker holds: what to send, and where.
struct ClaimedDelivery: Sendable {
    var webhookID: String
    var eventID: String
    var organisationID: String
    /// Attempts made, this one included.
    var attempts: Int
    var url: String
    var sealedSecret: [UInt8]
    /// Time since the event was written, when claimed.
    var eventAge: Duration
    /// The event as sent: `{"id","type","createdAt","organisationId","data"}`.
    var body: [UInt8]
    /// The trace context of the request that caused the event (`webhook_events.traceparent`, `.tracestate`):
    /// each attempt continues that trace.
    var traceparent: String? = nil
    var tracestate: String? = nil
}

/// The statements of the delivery worker. A claim is a lease: rows taken `FOR UPDATE SKIP LOCKED` (so instances
/// never take the same one) are marked with the instance and an expiry, and become due again at that expiry (so
/// held rows leave the front of the due index); an instance that dies before it records the outcome leaves them
/// to be claimed again once the lease expires. An outcome is recorded only by the holder
/// of a lease, so one recorded late, after another instance re-claimed, is dropped.
struct WebhookDeliveryQueue: Sendable {
    let database: DatabasePool
    /// This instance, as `lease_owner`.
    let owner: String

    func claim(limit: Int, lease: Duration) async throws -> [ClaimedDelivery] {
        let rows = try await database.withConnection { connection in
            try await connection.query("""
                WITH due AS (
                    SELECT webhook_id, event_id FROM webhook_deliveries
                    WHERE state = 'pending' AND next_attempt_at <= now()
                      AND (lease_expires_at IS NULL OR lease_expires_at <= now())
                    ORDER BY next_attempt_at
                    LIMIT \(limit)::integer
                    FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE webhook_deliveries d
                    SET lease_owner = \(owner), lease_expires_at = now() + \(lease.wholeMilliseconds)::bigint * interval '1 millisecond',
                        next_attempt_at = now() + \(lease.wholeMilliseconds)::bigint * interval '1 millisecond',
                        attempts = d.attempts + 1, last_attempt_at = now()
                    FROM due WHERE d.webhook_id = due.webhook_id AND d.event_id = due.event_id
                    RETURNING d.webhook_id, d.event_id, d.organisation_id, d.attempts
                )
                SELECT c.webhook_id, c.event_id, c.organisation_id, c.attempts, w.url, w.sealed_secret,
                       e.type, e.data, e.created_at, e.traceparent, e.tracestate,
                       (extract(epoch FROM now() - e.created_at) * 1000)::bigint AS age_ms
                FROM claimed c
                JOIN webhooks w ON w.id = c.webhook_id
                JOIN webhook_events e ON e.id = c.event_id
                """).rows
        }
        return try rows.map { row in
            let eventID = try row.string("event_id")
            let organisationID = try row.string("organisation_id")
            let event = JSONValue.object(JSONObject([
                ("id", .string(eventID)), ("type", .string(try row.string("type"))),
                ("createdAt", .string(try row.timestamp("created_at"))), ("organisationId", .string(organisationID)),
                ("data", try row.json("data")),
            ]))
            return ClaimedDelivery(
                webhookID: try row.string("webhook_id"), eventID: eventID, organisationID: organisationID,
                attempts: try row.int("attempts"), url: try row.string("url"),
                sealedSecret: try row.bytes("sealed_secret"), eventAge: .milliseconds(try row.int("age_ms")),
                body: event.serialized(), traceparent: try row.optionalString("traceparent"),
                tracestate: try row.optionalString("tracestate"))
        }
    }

    /// What became of one attempt.
    enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        case retry(after: Duration, status: Int?, error: String)
        case failed(status: Int?, error: String)
        /// Not attempted (the outbound limits were full): the claim is given back, the attempt not counted.
        case released(after: Duration)
    }

    func record(_ outcome: Outcome, for delivery: ClaimedDelivery) async throws {
        let change: SQL = switch outcome {
        case .delivered(let status):
            "state = 'delivered', delivered_at = now(), last_status_code = \(status)::integer, last_error = NULL"
        case .retry(let delay, let status, let error):
            """
            next_attempt_at = now() + \(delay.wholeMilliseconds)::bigint * interval '1 millisecond',
            last_status_code = \(status)::integer, last_error = \(error)
            """
        case .failed(let status, let error):
            "state = 'failed', last_status_code = \(status)::integer, last_error = \(error)"
        case .released(let delay):
            """
            next_attempt_at = now() + \(delay.wholeMilliseconds)::bigint * interval '1 millisecond',
            attempts = attempts - 1
            """
        }
        let sql = SQL.joining([
            SQL(unsafe: "UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL,"), change,
            """
            WHERE webhook_id = \(delivery.webhookID) AND event_id = \(delivery.eventID)
              AND lease_owner = \(owner) AND state = 'pending'
            """,
        ])
        _ = try await database.withConnection { try await $0.query(sql) }
    }

    /// Deletes up to `limit` fanned-out events older than `age` none of whose deliveries is still pending, and
    /// their deliveries (no foreign key takes them: migration 0011); the number of events deleted. An event's id is
    /// a ULID of its creation time, so "older" is a range of the primary key: ids below the cutoff's 10-character
    /// time prefix.
    func prune(olderThan age: Duration, limit: Int = 1000) async throws -> Int {
        let time = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch - age.wholeMilliseconds * 1000)
        let cutoff = String(ULID.generate(at: time).string.prefix(10))
        return try await database.withConnection { connection in
            try await connection.query("""
                WITH gone AS (
                    DELETE FROM webhook_events WHERE id IN (
                        SELECT e.id FROM webhook_events e
                        WHERE e.id < \(cutoff) AND e.fanned_out
                          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.state = 'pending')
                        LIMIT \(limit)::integer)
                    RETURNING id
                ), deliveries AS (
                    DELETE FROM webhook_deliveries d USING gone WHERE d.event_id = gone.id
                )
                SELECT count(*) AS pruned FROM gone
                """).rows.first?.int("pruned") ?? 0
        }
    }

    /// Seconds since the oldest event with a pending delivery, or not yet fanned out, was written; 0 when none is.
    func oldestPendingAge() async throws -> Double {
        try await database.withConnection { connection in
            let row = try await connection.query("""
                SELECT coalesce(extract(epoch FROM now() - least(
                    (SELECT min(created_at) FROM webhook_deliveries WHERE state = 'pending'),
                    (SELECT min(created_at) FROM webhook_events WHERE NOT fanned_out))), 0)::float8::text AS age
                """).rows.first
            return Double(try row?.string("age") ?? "0") ?? 0
        }
    }
}
