import Cryptography
import Domain
import JSON
import Postgres

/// A webhook as answered: never its secret (shown once, by the create).
struct WebhookRecord: Sendable {
    var id: String
    var organisationID: String
    var url: String
    var events: [String]
    var description: String
    var createdAt: String

    static let select = """
        SELECT webhooks.id, webhooks.organisation_id, webhooks.url, array_to_json(webhooks.events) AS events,
               webhooks.description, webhooks.created_at
        FROM webhooks
        """

    init(id: String, organisationID: String, url: String, events: [String], description: String, createdAt: String) {
        self.id = id
        self.organisationID = organisationID
        self.url = url
        self.events = events
        self.description = description
        self.createdAt = createdAt
    }

    init(row: Row) throws {
        id = try row.string("id")
        organisationID = try row.string("organisation_id")
        url = try row.string("url")
        events = try row.stringArray("events")
        description = try row.string("description")
        createdAt = try row.timestamp("created_at")
    }

    var json: JSONValue {
        .object(JSONObject([
            ("id", .string(id)), ("organisationId", .string(organisationID)), ("url", .string(url)),
            ("events", .strings(events)), ("description", .string(description)), ("createdAt", .string(createdAt)),
        ]))
    }
}

/// Webhooks of one organisation and their deliveries; every statement is filtered by organisation_id.
struct WebhookStore: Sendable {
    let database: DatabasePool
    let keyRing: KeyRing

    /// Stores the webhook with its secret sealed; answers the record and the secret, to show once.
    func insert(organisationID: String, _ create: WebhookCreate) async throws -> (WebhookRecord, WebhookSecret) {
        let id = ULID.generate().string
        let secret = WebhookSecret.generate()
        let sealed = try secret.seal(with: keyRing, organisationID: organisationID, webhookID: id)
        let events = create.events.map(\.rawValue)
        let createdAt = Timestamp.now().rfc3339
        _ = try await database.withConnection { connection in
            try await connection.query("""
                INSERT INTO webhooks (id, organisation_id, url, events, description, sealed_secret, key_version, created_at)
                VALUES (\(id), \(organisationID), \(create.url),
                        ARRAY(SELECT json_array_elements_text(\(JSONValue.strings(events).jsonText)::json)),
                        \(create.description), \(sealed.bytes), \(sealed.keyVersion), \(createdAt)::timestamptz)
                """)
        }
        let record = WebhookRecord(
            id: id, organisationID: organisationID, url: create.url, events: events, description: create.description,
            createdAt: createdAt)
        return (record, secret)
    }

    func list(organisationID: String, page: PageRequest) async throws -> Page<WebhookRecord> {
        try await database.withConnection { connection in
            try await KeysetQuery.page(
                connection, select: WebhookRecord.select, table: "webhooks", organisationID: organisationID,
                page: page, id: \.id, decode: WebhookRecord.init(row:))
        }
    }

    /// Deletes the webhook and its deliveries (foreign-key cascade); false when it is not the organisation's.
    func delete(id: String, organisationID: String) async throws -> Bool {
        try await database.withConnection { connection in
            try await connection.query(
                "DELETE FROM webhooks WHERE id = \(id) AND organisation_id = \(organisationID)").affectedRows == 1
        }
    }

    /// One page of the webhook's deliveries, newest event last, paged by event id; nil when the webhook is not
    /// the organisation's. The organisation's events still to fan out are fanned out first, so the page holds the
    /// delivery of every event committed before the request, whether or not the worker has reached it yet.
    func deliveries(
        webhookID: String, organisationID: String, page: PageRequest
    ) async throws -> Page<(id: String, json: JSONValue)>? {
        try await WebhookFanOut(database: database).run(organisationID: organisationID)
        let scope = KeysetPage.Scope(
            columns: "w.id AS webhook_id", from: "webhooks w",
            condition: "w.id = \(webhookID) AND w.organisation_id = \(organisationID)")
        let result = try await database.withConnection { connection in
            try await KeysetPage.fetch(
                columns: """
                    t.id, t.type, t.state, t.attempts, t.last_status_code, t.last_error, t.last_attempt_at,
                    t.next_attempt_at, t.delivered_at, t.created_at
                    """,
                filter: """
                    FROM (SELECT d.*, d.event_id AS id, e.type FROM webhook_deliveries d
                          JOIN webhook_events e ON e.id = d.event_id) t
                    WHERE t.webhook_id = w.id
                    """,
                page: page, scope: scope, on: connection)
        }
        guard result.scope != nil else { return nil }
        let items = try result.rows.map { (id: try $0.string("id"), json: try Self.deliveryJSON($0)) }
        return Page(fetched: items, totalCount: result.totalCount, request: page, id: \.id)
    }

    /// `{"eventId","eventType","status","attempts","lastStatusCode","lastError","lastAttemptAt","nextAttemptAt",
    /// "deliveredAt","createdAt"}`; `nextAttemptAt` only while pending.
    private static func deliveryJSON(_ row: Row) throws -> JSONValue {
        let state = try row.string("state")
        var object = JSONObject([
            ("eventId", .string(try row.string("id"))), ("eventType", .string(try row.string("type"))),
            ("status", .string(state)), ("attempts", .number(Double(try row.int("attempts")))),
        ])
        object["lastStatusCode"] = try row.optionalInt("last_status_code").map { .number(Double($0)) } ?? .null
        object["lastError"] = try row.optionalString("last_error").map { .string($0) } ?? .null
        object["lastAttemptAt"] = try optionalTimestamp(row, "last_attempt_at")
        object["nextAttemptAt"] = state == "pending" ? .string(try row.timestamp("next_attempt_at")) : .null
        object["deliveredAt"] = try optionalTimestamp(row, "delivered_at")
        object["createdAt"] = .string(try row.timestamp("created_at"))
        return .object(object)
    }

    private static func optionalTimestamp(_ row: Row, _ column: String) throws -> JSONValue {
        try row.optionalTimestampMicros(column).map { .string(Timestamp(microsecondsSinceEpoch: $0).rfc3339) } ?? .null
    }
}
