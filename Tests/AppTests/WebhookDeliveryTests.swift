@testable import App
import Cryptography
import Domain
import HTTP1
import HTTPServer
import JSON
import Postgres
import TestSupport
import Testing
import TraceContext

/// The delivery worker against a receiver on loopback (the outbound rules allow private networks here): signed
/// per Standard Webhooks and checked by the test's own HMAC, retried after failures, failed once the window has
/// passed, and claimed again after a lease that was never settled; every attempt continues the trace of the request
/// that caused the event. Serialized: each test's worker claims
/// whatever is due.
@Suite(.enabled(if: ConnectionsApp.isAvailable), .serialized)
struct WebhookDeliveryTests {
    static func configure(_ configuration: inout AppConfiguration) {
        configuration.outboundAllowPrivateNetworks = true
        configuration.outboundTimeout = .seconds(2)
        configuration.webhooks.retryBase = .milliseconds(20)
        configuration.webhooks.pollInterval = .milliseconds(20)
        configuration.webhooks.batchSize = 1000
    }

    /// Runs worker passes until `done` holds, for at most 15 s.
    static func deliver(_ worker: WebhookWorker, until done: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while !done() {
            guard ContinuousClock.now < deadline else { throw FixtureError("the receiver did not get the deliveries in time") }
            try await worker.deliverDue()
            if !done() { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    @Test func deliversSignedEventsOncePerChange() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            try await WebhookReceiver.with { receiver, url in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: url)
                let user = try await app.createEndUser(tenant, externalID: "ada", secret: "DELIVERY-SECRET-1")
                let connectionID = try #require(user["primaryConnection"]?["id"]?.stringValue)
                // A second connection to the primary connector, so the first is not the last one (409011).
                _ = await app.createConnection(tenant, user: "ada", body: Bodies.create(connectorID: tenant.connectorID, name: "backup"))
                let deleted = await app.request(
                    .DELETE, "/hubs/\(tenant.hubID)/users/ada/connections/\(connectionID)", auth: tenant.auth)
                #expect(deleted.status == 204)
                let worker = WebhookWorker(context: app.context)
                try await Self.deliver(worker) { receiver.requests.count >= 3 }
                try await worker.deliverDue()  // nothing more is due: each event arrives once

                let requests = receiver.requests
                #expect(requests.count == 3)
                let events = try await app.events(tenant.organisationID)
                let now = Timestamp.now().microsecondsSinceEpoch / 1_000_000
                for (request, event) in zip(requests.sorted { ($0.headers["webhook-id"] ?? "") < ($1.headers["webhook-id"] ?? "") }, events) {
                    #expect(request.method == .POST)
                    #expect(request.path == "/hook")
                    #expect(request.headers["Content-Type"] == "application/json")
                    #expect(StandardWebhooksCheck.verify(request, secret: webhook.secret))
                    var tampered = request
                    tampered.body[tampered.body.count / 2] ^= 1
                    #expect(!StandardWebhooksCheck.verify(tampered, secret: webhook.secret))
                    let timestamp = try #require(request.headers["webhook-timestamp"].flatMap { Int64($0) })
                    #expect(abs(timestamp - now) < 300)
                    let body = try JSONValue.parse(request.body)
                    #expect(body["id"]?.stringValue == event.id)
                    #expect(request.headers["webhook-id"] == event.id)
                    #expect(body["type"]?.stringValue == event.type)
                    #expect(body["organisationId"]?.stringValue == tenant.organisationID)
                    #expect(body["createdAt"]?.stringValue?.hasSuffix("Z") == true)
                    #expect(body["data"] == event.data)
                    #expect(body.objectValue?.keys == ["id", "type", "createdAt", "organisationId", "data"])
                    let text = String(decoding: request.body, as: UTF8.self)
                    #expect(!text.contains("DELIVERY-SECRET-1") && !text.contains(webhook.secret))
                }
                #expect(Set(events.map(\.type)) == ["connection.created", "connection.deleted"])

                let listed = await app.request(
                    .GET, "/o/\(tenant.organisationID)/webhooks/\(webhook.id)/deliveries", auth: tenant.auth)
                #expect(listed["totalCount"] == 3)
                let first = try #require(listed["deliveries"]?[0])
                #expect(first["eventId"]?.stringValue == events[0].id)
                #expect(first["eventType"] == "connection.created")
                #expect(first["status"] == "delivered")
                #expect(first["attempts"] == 1)
                #expect(first["lastStatusCode"] == 204)
                #expect(first["lastError"] == .null)
                #expect(first["nextAttemptAt"] == .null)
                #expect(first["deliveredAt"]?.stringValue?.hasSuffix("Z") == true)
                #expect(app.context.metrics.webhooks.render().contains("webhook_deliveries_total{outcome=\"delivered\"}"))
                let secretBytes = Base64.encode(try #require(Base64.decode(String(webhook.secret.dropFirst(6)))))
                #expect(!app.logs.all.contains(webhook.secret) && !app.logs.all.contains(secretBytes))
                #expect(!app.logs.all.contains("DELIVERY-SECRET-1"))
            }
        }
    }

    @Test func retriesAfterFailuresWithTheSameIdThenDelivers() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            try await WebhookReceiver.with(answering: [500, 503]) { receiver, url in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: url)
                let created = try await app.createEndUserAnswer(
                    tenant, externalID: "ada", headers: ["traceparent": TraceFixture.parent, "tracestate": "rojo=1"])
                let worker = WebhookWorker(context: app.context)
                try await Self.deliver(worker) { receiver.requests.count >= 1 }
                let afterFirst = await app.request(
                    .GET, "/o/\(tenant.organisationID)/webhooks/\(webhook.id)/deliveries", auth: tenant.auth)
                let pending = try #require(afterFirst["deliveries"]?[0])
                if pending["status"] == "pending" {  // unless the next attempt already ran
                    #expect(pending["lastStatusCode"] == 500)
                    #expect(pending["lastError"] == "the endpoint answered 500")
                    #expect(pending["nextAttemptAt"]?.stringValue != nil)
                }
                try await Self.deliver(worker) { receiver.requests.count >= 3 }

                let requests = receiver.requests
                #expect(requests.count == 3)
                #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1)
                #expect(requests.allSatisfy { StandardWebhooksCheck.verify($0, secret: webhook.secret) })
                // Each attempt a span of its own in the request's trace, under none of the ids seen before.
                let answered = try #require(created.headers["traceparent"].flatMap(TraceParent.init(parsing:)))
                let sent = requests.compactMap { $0.headers["traceparent"].flatMap(TraceParent.init(parsing:)) }
                #expect(sent.count == 3)
                #expect(sent.allSatisfy { $0.traceID.hex == TraceFixture.traceHex && $0.flags == 1 })
                #expect(Set(sent.map(\.parentID) + [answered.parentID, TraceFixture.parentID]).count == 5)
                #expect(requests.allSatisfy { $0.headers.values(for: "tracestate") == ["rojo=1"] })
                let deliveries = try await app.deliveries(webhookID: webhook.id)
                #expect(deliveries.map(\.state) == ["delivered"])
                #expect(deliveries.map(\.attempts) == [3])
                let rendered = app.context.metrics.webhooks.render()
                #expect(!rendered.contains("webhook_deliveries_total{outcome=\"retry\"} 0"))
            }
        }
    }

    @Test func failsOnceTheRetryWindowHasPassed() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            try await WebhookReceiver.with(answering: [500]) { receiver, url in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: url)
                _ = try await app.createEndUser(tenant, externalID: "ada", headers: ["traceparent": TraceFixture.parent])
                var configuration = app.context.configuration.webhooks
                configuration.retryFor = .zero
                let worker = WebhookWorker(context: app.context, configuration: configuration)
                try await Self.deliver(worker) { receiver.requests.count >= 1 }
                try await worker.deliverDue()
                #expect(receiver.requests.count == 1)
                let listed = await app.request(
                    .GET, "/o/\(tenant.organisationID)/webhooks/\(webhook.id)/deliveries", auth: tenant.auth)
                #expect(listed["deliveries"]?[0]?["status"] == "failed")
                #expect(listed["deliveries"]?[0]?["lastStatusCode"] == 500)
                #expect(listed["deliveries"]?[0]?["nextAttemptAt"] == .null)
                // The worker's log line names the trace of the request that caused the event.
                let line = app.logs.all.split(separator: "\n").first { $0.contains("failed for good") && $0.contains(webhook.id) }
                #expect(line?.contains("\"trace.id\": \(TraceFixture.traceHex)") == true, "\(line ?? "no line")")
            }
        }
    }

    /// An instance that claims and then dies (its claim never settled) holds the delivery only until its lease
    /// expires; another instance then delivers it, and the dead one's late outcome is ignored.
    @Test func anExpiredLeaseIsClaimedAgain() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            try await WebhookReceiver.with { receiver, url in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: url)
                _ = try await app.createEndUser(tenant, externalID: "ada")
                try await WebhookFanOut(database: app.context.database).run(organisationID: tenant.organisationID)
                let crashed = WebhookDeliveryQueue(database: app.context.database, owner: "crashed-\(testID())")
                let claims = try await crashed.claim(limit: 1000, lease: .seconds(1))
                let mine = try #require(claims.first { $0.webhookID == webhook.id })

                let survivor = WebhookDeliveryQueue(database: app.context.database, owner: "survivor-\(testID())")
                let early = try await survivor.claim(limit: 1000, lease: .seconds(30))
                #expect(!early.contains { $0.webhookID == webhook.id })
                for claim in early { try await survivor.record(.released(after: .zero), for: claim) }
                #expect(receiver.requests.isEmpty)

                try await Task.sleep(for: .milliseconds(1100))
                let worker = WebhookWorker(context: app.context)
                try await Self.deliver(worker) { receiver.requests.count >= 1 }
                #expect(StandardWebhooksCheck.verify(try #require(receiver.requests.first), secret: webhook.secret))
                try await crashed.record(.failed(status: 599, error: "late"), for: mine)
                let deliveries = try await app.deliveries(webhookID: webhook.id)
                #expect(deliveries.map(\.state) == ["delivered"])
                #expect(deliveries.map(\.attempts) == [2])
            }
        }
    }

    @Test func upkeepPrunesSettledEventsPastRetentionAndGaugesTheOldestPending() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            let tenant = try await app.makeTenant()
            let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
            _ = try await app.createEndUser(tenant, externalID: "ada")
            _ = try await app.createEndUser(tenant, externalID: "bob")
            #expect(try await app.deliveries(webhookID: webhook.id).count == 2)
            // Both written ten days ago; the first delivered, the second still pending.
            for event in try await app.events(tenant.organisationID) {
                _ = try await app.backdate(eventID: event.id, days: 10)
            }
            let events = try await app.events(tenant.organisationID)
            #expect(events.count == 2)
            _ = try await app.context.database.withConnection { connection in
                _ = try await connection.query("""
                    UPDATE webhook_deliveries
                    SET state = CASE WHEN event_id = \(events[0].id) THEN 'delivered' ELSE 'pending' END,
                        next_attempt_at = now() + interval '1 hour'
                    WHERE webhook_id = \(webhook.id)
                    """)
            }
            try await WebhookWorker(context: app.context).upkeep()
            #expect(try await app.events(tenant.organisationID).map(\.id) == [events[1].id])
            #expect(try await app.deliveries(webhookID: webhook.id).map(\.eventID) == [events[1].id])
            // The pruned event's delivery goes with it, though no foreign key takes it.
            let stored = try await app.context.database.withConnection { connection in
                try await connection.query("SELECT event_id FROM webhook_deliveries WHERE webhook_id = \(webhook.id)")
                    .rows.map { try $0.string("event_id") }
            }
            #expect(stored == [events[1].id])
            let gauge = app.context.metrics.webhooks.render().split(separator: "\n")
                .first { $0.hasPrefix("webhook_oldest_pending_event_age_seconds ") }
            let seconds = try #require(gauge.flatMap { Double($0.split(separator: " ")[1]) })
            #expect(seconds >= 10 * 86_400 - 60)
        }
    }

    /// Polls `condition` every 20 ms for at most 15 s.
    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw FixtureError("the condition did not hold in time") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `run` keeps deliveries in flight independently: one held by a slow receiver does not hold back an event
    /// written later for another; and a shutdown (cancellation) waits for the held one to be answered and recorded.
    @Test func aSlowReceiverHoldsOnlyItsOwnDeliveryAndShutdownWaitsForIt() async throws {
        try await withConnectionsApp(configure: { Self.configure(&$0); $0.outboundTimeout = .seconds(10) }) { app in
            try await WebhookReceiver.with(holding: .seconds(4)) { slow, slowURL in
                try await WebhookReceiver.with { fast, fastURL in
                    let slowTenant = try await app.makeTenant()
                    let fastTenant = try await app.makeTenant()
                    let slowHook = try await app.createWebhook(slowTenant, url: slowURL)
                    _ = try await app.createWebhook(fastTenant, url: fastURL)
                    _ = try await app.createEndUser(slowTenant, externalID: "ada")
                    let running = Task { await WebhookWorker(context: app.context).run() }
                    try await Self.waitUntil { !slow.requests.isEmpty }
                    let held = ContinuousClock.now
                    _ = try await app.createEndUser(fastTenant, externalID: "bob")
                    try await Self.waitUntil { !fast.requests.isEmpty }
                    #expect(ContinuousClock.now - held < .seconds(4), "the fast receiver waited for the slow one")
                    running.cancel()
                    await running.value
                    #expect(try await app.deliveries(webhookID: slowHook.id).map(\.state) == ["delivered"])
                    #expect(slow.requests.count == 1)
                }
            }
        }
    }

    @Test func runStopsWhenCancelled() async throws {
        try await withConnectionsApp(configure: Self.configure) { app in
            let running = Task { await WebhookWorker(context: app.context).run() }
            try await Task.sleep(for: .milliseconds(100))
            running.cancel()
            let stopped = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await running.value; return true }
                group.addTask { try? await Task.sleep(for: .seconds(10)); return false }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(stopped)
        }
    }
}
