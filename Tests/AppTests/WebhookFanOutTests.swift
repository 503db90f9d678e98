@testable import App
import Domain
import HTTP1
import JSON
import Postgres
import TestSupport
import Testing

/// A change writes its event not yet fanned out; `WebhookFanOut` makes its deliveries later, once, for the webhooks
/// that existed when the event was written and still exist. No worker runs here (the webhooks point at loopback
/// names the shared app's outbound rules refuse); each test fans out itself, or lists through the API. Nested in
/// the serialized `WebhookDeliveryTests`: their workers fan out every organisation's events, which would race the
/// checks here of what is not fanned out yet.
extension WebhookDeliveryTests {
    @Suite struct WebhookFanOutTests {
        /// `count` events of one organisation, each appended in a transaction of its own.
        static func appendEvents(_ app: ConnectionsApp, _ tenant: TestTenant, count: Int) async throws -> [String] {
            for index in 0..<count {
                try await app.context.database.withTransaction { connection in
                    try await WebhookOutbox.append(
                        .connectionCreated, organisationID: tenant.organisationID,
                        data: ["index": .number(Double(index))], on: connection)
                }
            }
            return try await app.events(tenant.organisationID).map(\.id)
        }

        /// Every delivery of the organisation's events: (webhook, event) pairs, sorted.
        static func deliveryKeys(_ app: ConnectionsApp, _ organisationID: String) async throws -> [String] {
            try await app.context.database.withConnection { connection in
                try await connection.query("""
                    SELECT webhook_id || '/' || event_id AS key FROM webhook_deliveries
                    WHERE organisation_id = \(organisationID) ORDER BY 1
                    """).rows.map { try $0.string("key") }
            }
        }

        @Test func aChangeWritesItsEventUnfannedAndTheListingShowsItsDeliveryAtOnce() async throws {
            try await withConnectionsApp { app in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
                _ = try await app.createEndUser(tenant, externalID: "ada")
                let events = try await app.events(tenant.organisationID)
                #expect(events.count == 1)
                #expect(try await app.unfannedEvents(tenant.organisationID) == events.map(\.id))
                #expect(
                    try await app.storedDeliveries(webhookID: webhook.id).isEmpty, "the request path writes no delivery")

                let listed = await app.request(
                    .GET, "/o/\(tenant.organisationID)/webhooks/\(webhook.id)/deliveries", auth: tenant.auth)
                #expect(listed.status == 200)
                #expect(listed["deliveries"]?[0]?["eventId"] == .string(events[0].id))
                #expect(listed["deliveries"]?[0]?["status"] == "pending")
                #expect(try await app.unfannedEvents(tenant.organisationID).isEmpty)
            }
        }

        /// One instance's fan-out holds its events locked until it commits: another skips them and takes the next
        /// ones, and after the commit finds them fanned out. Then two fan-outs racing each other take disjoint sets.
        @Test func twoConcurrentFanOutsTakeEachEventOnce() async throws {
            try await withConnectionsApp { app in
                let tenant = try await app.makeTenant()
                let first = try await app.createWebhook(tenant, url: "https://localhost:9/one")
                let second = try await app.createWebhook(tenant, url: "https://localhost:9/two")
                let events = try await Self.appendEvents(app, tenant, count: 120)
                let fanOut = WebhookFanOut(database: app.context.database)

                let (heldByA, takenByBWhileAHeld) = try await app.context.database.withTransaction { connection in
                    let held = try await WebhookFanOut.run(limit: 10_000, on: connection)
                    return (held, try await fanOut.run(limit: 10_000))
                }
                let mineHeld = Set(heldByA).intersection(events)
                #expect(!mineHeld.isEmpty)
                #expect(Set(takenByBWhileAHeld).isDisjoint(with: heldByA), "B took events A held")
                let afterCommit = try await fanOut.run(limit: 10_000)
                #expect(Set(afterCommit).isDisjoint(with: heldByA), "B took events A had fanned out")

                let more = try await Self.appendEvents(app, tenant, count: 200).filter { !events.contains($0) }
                #expect(more.count == 200)
                let racers = try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            var taken: [String] = []
                            while !(try await app.unfannedEvents(tenant.organisationID).isEmpty) {
                                taken += try await fanOut.run(limit: 7)
                            }
                            return taken
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(racers[0]).isDisjoint(with: racers[1]), "an event was fanned out by both")
                #expect(racers[0].count == Set(racers[0]).count && racers[1].count == Set(racers[1]).count)

                let expected = (events + more).flatMap { ["\(first.id)/\($0)", "\(second.id)/\($0)"] }.sorted()
                #expect(try await Self.deliveryKeys(app, tenant.organisationID) == expected)
            }
        }

        /// "A webhook receives the events written after it was created": one created after the event, though before
        /// the fan-out, gets nothing of it; one deleted before the fan-out gets nothing at all.
        @Test func onlyWebhooksThatExistedWhenTheEventWasWrittenAndStillExistReceiveIt() async throws {
            try await withConnectionsApp { app in
                let tenant = try await app.makeTenant()
                let kept = try await app.createWebhook(tenant, url: "https://localhost:9/kept")
                let deleted = try await app.createWebhook(tenant, url: "https://localhost:9/deleted")
                _ = try await app.createEndUser(tenant, externalID: "ada")
                let events = try await app.events(tenant.organisationID).map(\.id)
                #expect(try await app.unfannedEvents(tenant.organisationID) == events)
                let late = try await app.createWebhook(tenant, url: "https://localhost:9/late")
                let gone = await app.request(
                    .DELETE, "/o/\(tenant.organisationID)/webhooks/\(deleted.id)", auth: tenant.auth)
                #expect(gone.status == 204)

                try await WebhookFanOut(database: app.context.database).run(organisationID: tenant.organisationID)
                #expect(try await app.unfannedEvents(tenant.organisationID).isEmpty)
                #expect(try await Self.deliveryKeys(app, tenant.organisationID) == events.map { "\(kept.id)/\($0)" })
                let listed = await app.request(
                    .GET, "/o/\(tenant.organisationID)/webhooks/\(late.id)/deliveries", auth: tenant.auth)
                #expect(listed.status == 200)
                #expect(listed["deliveries"] == .array([]))

                // An event written now reaches the late webhook too.
                _ = try await app.createEndUser(tenant, externalID: "bob")
                let bob = try #require(try await app.events(tenant.organisationID).last?.id)
                #expect(try await app.deliveries(webhookID: late.id).map(\.eventID) == [bob])
            }
        }

        /// Pruning takes settled events past retention, never one not yet fanned out, however old: its deliveries
        /// do not exist yet, so "none pending" would hold for it.
        @Test func pruningKeepsEventsNotYetFannedOut() async throws {
            try await withConnectionsApp { app in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
                _ = try await app.createEndUser(tenant, externalID: "ada")
                // Written ten days ago, by a webhook older still (so it is the webhook's to receive).
                _ = try await app.context.database.withConnection { connection in
                    try await connection.query(
                        "UPDATE webhooks SET created_at = now() - interval '11 days' WHERE id = \(webhook.id)")
                }
                let written = try #require(try await app.events(tenant.organisationID).first?.id)
                let old = try await app.backdate(eventID: written, days: 10)
                let queue = WebhookDeliveryQueue(database: app.context.database, owner: "prune-\(testID())")

                _ = try await queue.prune(olderThan: .seconds(7 * 86_400))
                #expect(try await app.events(tenant.organisationID).map(\.id) == [old], "an unfanned event was pruned")
                #expect(try await app.unfannedEvents(tenant.organisationID) == [old])

                #expect(try await app.deliveries(webhookID: webhook.id).map(\.eventID) == [old])
                _ = try await app.context.database.withConnection { connection in
                    try await connection.query(
                        "UPDATE webhook_deliveries SET state = 'delivered' WHERE event_id = \(old)")
                }
                _ = try await queue.prune(olderThan: .seconds(7 * 86_400))
                #expect(try await app.events(tenant.organisationID).isEmpty)
                #expect(try await app.storedDeliveries(webhookID: webhook.id).isEmpty)
            }
        }

        /// During a rolling upgrade the previous release writes events without `fanned_out` (the default, true) and
        /// their deliveries itself: the fan-out leaves them alone, so nothing is delivered twice or lost.
        @Test func eventsWrittenTheOldWayAreNotFannedOutAgain() async throws {
            try await withConnectionsApp { app in
                let tenant = try await app.makeTenant()
                let webhook = try await app.createWebhook(tenant, url: "https://localhost:9/hook")
                let eventID = ULID.generate().string
                _ = try await app.context.database.withTransaction { connection in
                    _ = try await connection.query("""
                        INSERT INTO webhook_events (id, organisation_id, type, data)
                        VALUES (\(eventID), \(tenant.organisationID), 'connection.created', '{}')
                        """)
                    _ = try await connection.query("""
                        INSERT INTO webhook_deliveries (webhook_id, event_id, organisation_id)
                        VALUES (\(webhook.id), \(eventID), \(tenant.organisationID))
                        """)
                }
                _ = try await app.createEndUser(tenant, externalID: "ada")
                let events = try await app.events(tenant.organisationID).map(\.id)
                #expect(try await app.unfannedEvents(tenant.organisationID) == events.filter { $0 != eventID })
                #expect(try await app.deliveries(webhookID: webhook.id).map(\.eventID) == events)
            }
        }
    }
}
