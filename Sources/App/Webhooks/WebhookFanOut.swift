import Postgres

/// Makes the deliveries of events not yet fanned out: one per webhook of the event's organisation subscribed to
/// its type and created no later than the event (a webhook receives the events written after it was created, and
/// one deleted before the fan-out receives nothing). One statement does it all, so an event's deliveries and its
/// `fanned_out` mark commit together: an instance that dies part-way leaves the event to fan out again, whole.
struct WebhookFanOut: Sendable {
    let database: DatabasePool

    /// Up to `limit` events of every organisation, oldest first, for the worker. Events another instance is fanning
    /// out are skipped (SKIP LOCKED), never fanned out twice: the row lock is held until that instance commits
    /// `fanned_out`, which the lock's recheck then reads. Answers the ids of the events taken.
    func run(limit: Int) async throws -> [String] {
        try await database.withConnection { try await Self.run(limit: limit, on: $0) }
    }

    /// `run(limit:)` on `connection`, inside the caller's transaction when it has one.
    static func run(limit: Int, on connection: some StatementRunning) async throws -> [String] {
        try await connection.query(statement(pick: """
            SELECT id, organisation_id, type, created_at FROM webhook_events
            WHERE NOT fanned_out
            ORDER BY id LIMIT \(limit)::integer
            FOR UPDATE SKIP LOCKED
            """)).rows.map { try $0.string("id") }
    }

    /// Every event of one organisation still to fan out, before its deliveries are listed: the listing then shows
    /// the deliveries of every event committed before it, as a client reading right after a change expects. Waits
    /// for events the worker holds (FOR UPDATE without SKIP LOCKED) rather than skip them, so none is missing.
    func run(organisationID: String, batch: Int = 1000) async throws {
        while true {
            let taken = try await database.withConnection { connection in
                try await connection.query(Self.statement(pick: """
                    SELECT id, organisation_id, type, created_at FROM webhook_events
                    WHERE NOT fanned_out AND organisation_id = \(organisationID)
                    ORDER BY id LIMIT \(batch)::integer
                    FOR UPDATE
                    """)).rows.count
            }
            if taken < batch { return }
        }
    }

    /// `pick` selects the events (locked); they are marked fanned out and their deliveries written, dated when the
    /// event was written (the age the retry window and the pending gauge count from). The webhooks are locked FOR
    /// KEY SHARE: a webhook being deleted is waited for and then left out, rather than failing the foreign key.
    /// `ON CONFLICT DO NOTHING` keeps the key (webhook, event) single should two writers ever meet.
    private static func statement(pick: SQL) -> SQL {
        SQL.joining([
            SQL(unsafe: "WITH picked AS ("), pick,
            """
            ), marked AS (
                UPDATE webhook_events e SET fanned_out = true FROM picked WHERE e.id = picked.id
            ), targets AS (
                SELECT w.id AS webhook_id, p.id AS event_id, p.organisation_id, p.created_at
                FROM picked p
                JOIN webhooks w ON w.organisation_id = p.organisation_id AND p.type = ANY (w.events)
                                AND w.created_at <= p.created_at
                FOR KEY SHARE OF w
            ), made AS (
                INSERT INTO webhook_deliveries (webhook_id, event_id, organisation_id, created_at)
                SELECT webhook_id, event_id, organisation_id, created_at FROM targets
                ON CONFLICT DO NOTHING
            )
            SELECT id FROM picked
            """,
        ])
    }
}
