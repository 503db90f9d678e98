import Cryptography
import Domain
import HTTP1
import HTTPClient
import Locking
import Logging
import Postgres
import TraceContext

/// Delivers the outbox, in the server process: fans new events out to their deliveries (`WebhookFanOut`), claims
/// due deliveries, POSTs each event signed as Standard Webhooks through the outbound client (its address rules,
/// timeouts and per-organisation concurrency), and records the outcome: 2xx delivered, anything else retried on
/// `WebhookRetrySchedule` until its window ends, then failed. Every instance may run one; row locks keep their
/// fan-outs apart and leases their claims (`WebhookDeliveryQueue`).
struct WebhookWorker: Sendable {
    let context: AppContext
    let queue: WebhookDeliveryQueue
    let fanOut: WebhookFanOut
    let configuration: WebhookConfiguration

    init(context: AppContext, configuration: WebhookConfiguration? = nil) {
        self.context = context
        self.configuration = configuration ?? context.configuration.webhooks
        queue = WebhookDeliveryQueue(database: context.database, owner: ULID.generate().string)
        fanOut = WebhookFanOut(database: context.database)
    }

    /// Events fanned out per statement: a pass takes at most this many, and passes follow at once while it is full.
    static let fanOutBatch = 500

    var lease: Duration { Self.lease(configuration, outboundTimeout: context.configuration.outboundTimeout) }

    /// A claim outlives the longest outbound call, so it never lapses while its call runs.
    static func lease(_ configuration: WebhookConfiguration, outboundTimeout: Duration) -> Duration {
        max(configuration.lease, outboundTimeout + .seconds(5))
    }

    /// Runs until cancelled, keeping up to `batchSize` deliveries in flight: each pass fans out new events first,
    /// so their deliveries are claimable in the same pass; a freed slot is filled at the next look, so a receiver
    /// that answers slowly holds its own deliveries' slots and nobody else's. Cancellation stops new claims; the
    /// calls under way finish and record their outcome (within the outbound timeout), so a graceful shutdown hands
    /// nothing to the leases.
    func run() async {
        let inFlight = DeliveriesInFlight()
        var lastUpkeep = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled {
            let free = configuration.batchSize - inFlight.count
            var claimed = 0
            var fannedOut = 0
            do {
                fannedOut = try await fanOut.run(limit: Self.fanOutBatch).count
                if free > 0 {
                    let batch = try await queue.claim(limit: free, lease: lease)
                    claimed = batch.count
                    // Not children of this task: a shutdown's cancellation must not cut their calls short.
                    for delivery in batch { inFlight.start { await deliver(delivery) } }
                }
                if ContinuousClock.now - lastUpkeep >= .seconds(10) {
                    lastUpkeep = .now
                    try await upkeep()
                }
            } catch {
                context.logger.warning("webhook delivery pass failed", metadata: ["error": "\(error)"])
            }
            let behind = fannedOut == Self.fanOutBatch || (free > 0 && claimed == free)
            if !behind { try? await Task.sleep(for: configuration.pollInterval) }
        }
        await inFlight.finish()
    }

    /// Fans out new events, claims one batch and delivers it, the calls running at once; the number claimed.
    @discardableResult
    func deliverDue() async throws -> Int {
        _ = try await fanOut.run(limit: Self.fanOutBatch)
        let batch = try await queue.claim(limit: configuration.batchSize, lease: lease)
        await withTaskGroup(of: Void.self) { group in
            for delivery in batch {
                group.addTask { await deliver(delivery) }
            }
        }
        return batch.count
    }

    /// Prunes settled events past their retention and refreshes the oldest-pending gauge.
    func upkeep() async throws {
        _ = try await queue.prune(olderThan: configuration.retainSettled)
        context.metrics.webhooks.setGauge(try await queue.oldestPendingAge())
    }

    /// One attempt as a span of its own in the trace of the request that caused the event: its call carries that
    /// trace and its log lines name it.
    func deliver(_ delivery: ClaimedDelivery) async {
        let trace = RequestTrace.resuming(traceparent: delivery.traceparent, state: delivery.tracestate)
        await RequestTrace.$current.withValue(trace) { await deliverTraced(delivery) }
    }

    private func deliverTraced(_ delivery: ClaimedDelivery) async {
        let outcome = await attempt(delivery)
        context.metrics.webhooks.record(Self.metricsOutcome(outcome))
        do {
            try await queue.record(outcome, for: delivery)
        } catch {
            // The lease expires and the delivery is claimed again: at least once, never lost.
            context.logger.warning("could not record a webhook delivery's outcome", metadata: [
                "webhookId": "\(delivery.webhookID)", "eventId": "\(delivery.eventID)", "error": "\(error)",
            ])
        }
    }

    /// Sends the event once and decides what follows. Logs ids and outcomes only: never the URL (it may carry
    /// a receiver's token), the secret or the body.
    func attempt(_ delivery: ClaimedDelivery) async -> WebhookDeliveryQueue.Outcome {
        let request: OutboundRequest
        do {
            request = try Self.signedRequest(delivery, keyRing: context.keyRing, at: Timestamp.now())
        } catch {
            context.logger.error("a webhook's signing secret does not open", metadata: [
                "webhookId": "\(delivery.webhookID)", "error": "\(error)",
            ])
            return failure(delivery, status: nil, error: "the signing secret could not be opened")
        }
        let status: Int
        do {
            status = try await context.outbound.send(request).status.code
        } catch .tooManyRequestsInFlight, .tenantConcurrencyLimit {
            return .released(after: configuration.pollInterval)
        } catch {
            return failure(delivery, status: nil, error: error.description)
        }
        if (200...299).contains(status) { return .delivered(status: status) }
        return failure(delivery, status: status, error: "the endpoint answered \(status)")
    }

    private func failure(_ delivery: ClaimedDelivery, status: Int?, error: String) -> WebhookDeliveryQueue.Outcome {
        let decision = WebhookRetrySchedule.afterFailure(
            attempts: delivery.attempts, elapsed: delivery.eventAge, configuration: configuration,
            random: Double.random(in: 0..<1))
        switch decision {
        case .retry(let delay): return .retry(after: delay, status: status, error: error)
        case .giveUp:
            context.logger.notice("a webhook delivery failed for good", metadata: [
                "webhookId": "\(delivery.webhookID)", "eventId": "\(delivery.eventID)", "attempts": "\(delivery.attempts)",
            ])
            return .failed(status: status, error: error)
        }
    }

    /// The POST: the event as body, `webhook-id` (the event's id, the same on every attempt, for the receiver's
    /// deduplication), `webhook-timestamp` (seconds) and `webhook-signature`.
    static func signedRequest(_ delivery: ClaimedDelivery, keyRing: KeyRing, at now: Timestamp) throws -> OutboundRequest {
        let secret = try WebhookSecret.open(
            delivery.sealedSecret, with: keyRing, organisationID: delivery.organisationID,
            webhookID: delivery.webhookID)
        let timestamp = now.microsecondsSinceEpoch / 1_000_000
        return OutboundRequest(
            method: .POST, url: delivery.url,
            headers: [
                "Content-Type": "application/json", "webhook-id": delivery.eventID,
                "webhook-timestamp": String(timestamp),
                "webhook-signature": secret.signature(id: delivery.eventID, timestamp: timestamp, body: delivery.body),
            ],
            body: delivery.body, tenant: delivery.organisationID)
    }

    private static func metricsOutcome(_ outcome: WebhookDeliveryQueue.Outcome) -> WebhookDeliveryOutcome {
        switch outcome {
        case .delivered: .delivered
        case .retry: .retrying
        case .failed: .failed
        case .released: .deferred
        }
    }
}

/// The worker's deliveries under way, each its own task.
final class DeliveriesInFlight: Sendable {
    private let tasks = Locked<(next: Int, running: [Int: Task<Void, Never>])>((0, [:]))

    var count: Int { tasks.withLock { $0.running.count } }

    func start(_ work: @escaping @Sendable () async -> Void) {
        tasks.withLock { tasks in
            let id = tasks.next
            tasks.next += 1
            tasks.running[id] = Task {
                await work()
                self.tasks.withLock { _ = $0.running.removeValue(forKey: id) }
            }
        }
    }

    /// Waits for every delivery under way.
    func finish() async {
        for task in tasks.withLock({ Array($0.running.values) }) { await task.value }
    }
}
