@testable import App
import Cryptography
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres
import Synchronization
import TestSupport

/// A webhook receiver played by our own HTTP server on 127.0.0.1: records every request as it arrives and, after
/// `hold`, answers the scripted statuses in order, then 204 for ever after.
final class WebhookReceiver: Responder, Sendable {
    private let received = Mutex<[Request]>([])
    private let script: Mutex<[Int]>
    private let hold: Duration

    init(answering statuses: [Int] = [], holding hold: Duration = .zero) {
        script = Mutex(statuses)
        self.hold = hold
    }

    var requests: [Request] { received.withLock { $0 } }

    func respond(to request: Request) async -> Response {
        received.withLock { $0.append(request) }
        if hold > .zero { try? await Task.sleep(for: hold) }
        let status = script.withLock { $0.isEmpty ? 204 : $0.removeFirst() }
        return Response(status: HTTPStatus(code: status, reasonPhrase: "Scripted"))
    }

    /// Runs a receiver for the duration of `body`, handing it the URL to subscribe (`http://127.0.0.1:<port>/hook`).
    static func with<T>(
        answering statuses: [Int] = [], holding hold: Duration = .zero,
        _ body: (WebhookReceiver, String) async throws -> T
    ) async throws -> T {
        let receiver = WebhookReceiver(answering: statuses, holding: hold)
        var configuration = ServerConfiguration()
        configuration.eventLoopThreads = 1
        return try await withRunningServer(configuration: configuration, responder: receiver) { port in
            try await body(receiver, "http://127.0.0.1:\(port)/hook")
        }
    }
}

/// Standard Webhooks verification written from the specification, apart from the server's `WebhookSecret`:
/// the secret's base64 after `whsec_` is the HMAC-SHA256 key over `<webhook-id>.<webhook-timestamp>.<body>`.
enum StandardWebhooksCheck {
    static func verify(_ request: Request, secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Base64.decode(String(secret.dropFirst(6))),
              let id = request.headers["webhook-id"], let timestamp = request.headers["webhook-timestamp"],
              let signatures = request.headers["webhook-signature"]
        else { return false }
        let expected = Base64.encode(Digest.hmacSHA256(key: key, data: Array("\(id).\(timestamp).".utf8) + request.body))
        return signatures.split(separator: " ").contains { $0 == "v1,\(expected)" }
    }
}

extension ConnectionsApp {
    /// Subscribes a webhook through the API; answers its id and secret.
    func createWebhook(
        _ tenant: TestTenant, url: String, events: [String] = ["connection.created", "connection.deleted"]
    ) async throws -> (id: String, secret: String) {
        let response = await request(
            .POST, "/o/\(tenant.organisationID)/webhooks", auth: tenant.auth,
            json: ["url": .string(url), "events": .array(events.map { .string($0) })])
        guard response.status == 201, let id = response["id"]?.stringValue, let secret = response["secret"]?.stringValue
        else { throw Unexpected(response) }
        TestSecretsLedger.record([secret])  // the pg_dump check (checks/secrets) then proves it is never stored as is
        return (id, secret)
    }

    /// The organisation's outbox: type and data of each event, oldest first.
    func events(_ organisationID: String) async throws -> [(id: String, type: String, data: JSONValue)] {
        try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT id, type, data FROM webhook_events WHERE organisation_id = \(organisationID) ORDER BY id
                """).rows.map { (try $0.string("id"), try $0.string("type"), try $0.json("data")) }
        }
    }

    /// The deliveries of one webhook: event id, state and attempts, its organisation's events fanned out first
    /// (as the deliveries listing does).
    func deliveries(webhookID: String) async throws -> [(eventID: String, state: String, attempts: Int)] {
        if let organisationID = try await organisationOf(webhookID: webhookID) {
            try await WebhookFanOut(database: context.database).run(organisationID: organisationID)
        }
        return try await storedDeliveries(webhookID: webhookID)
    }

    /// The deliveries of one webhook as stored, without a fan-out.
    func storedDeliveries(webhookID: String) async throws -> [(eventID: String, state: String, attempts: Int)] {
        try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT event_id, state, attempts FROM webhook_deliveries WHERE webhook_id = \(webhookID) ORDER BY event_id
                """).rows.map { (try $0.string("event_id"), try $0.string("state"), try $0.int("attempts")) }
        }
    }

    func organisationOf(webhookID: String) async throws -> String? {
        try await context.database.withConnection { connection in
            try await connection.query("SELECT organisation_id FROM webhooks WHERE id = \(webhookID)")
                .rows.first?.string("organisation_id")
        }
    }

    /// The organisation's events not yet fanned out, oldest first.
    func unfannedEvents(_ organisationID: String) async throws -> [String] {
        try await context.database.withConnection { connection in
            try await connection.query("""
                SELECT id FROM webhook_events WHERE organisation_id = \(organisationID) AND NOT fanned_out ORDER BY id
                """).rows.map { try $0.string("id") }
        }
    }

    /// Moves an event `days` back in time, id (a ULID of that time, as pruning reads it) and created_at alike,
    /// with its deliveries; answers its new id.
    func backdate(eventID: String, days: Int64) async throws -> String {
        let then = Timestamp.now().adding(seconds: -days * 86_400)
        let newID = ULID.generate(at: then).string
        _ = try await context.database.withTransaction { connection in
            _ = try await connection.query("""
                UPDATE webhook_events SET id = \(newID), created_at = \(then.rfc3339)::timestamptz WHERE id = \(eventID)
                """)
            _ = try await connection.query("""
                UPDATE webhook_deliveries SET event_id = \(newID), created_at = \(then.rfc3339)::timestamptz
                WHERE event_id = \(eventID)
                """)
        }
        return newID
    }

    func webhookCount(_ organisationID: String) async throws -> Int {
        try await context.database.withConnection { connection in
            try await connection.query(
                "SELECT count(*) AS n FROM webhooks WHERE organisation_id = \(organisationID)").rows.first?.int("n") ?? 0
        }
    }
}

extension [UInt8] {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
