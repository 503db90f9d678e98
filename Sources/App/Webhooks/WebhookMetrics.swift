import Locking

/// Delivery attempts by outcome and the age of the oldest event still waiting for a delivery, rendered at
/// /metrics beside the request metrics.
public final class WebhookMetrics: Sendable {
    enum Outcome: String, CaseIterable {
        /// The receiver answered 2xx.
        case delivered
        /// It did not (another status, or the call failed); the delivery is tried again later.
        case retrying = "retry"
        /// It did not, and the retry window has passed: the delivery is marked failed.
        case failed
        /// Not attempted: the outbound concurrency limits were reached; the claim is given back.
        case deferred
    }

    private struct State {
        var counts: [String: Int] = [:]
        var oldestPendingSeconds = 0.0
    }

    private let state = Locked(State())

    public init() {}

    func record(_ outcome: Outcome) { state.withLock { $0.counts[outcome.rawValue, default: 0] += 1 } }

    func setOldestPending(seconds: Double) { state.withLock { $0.oldestPendingSeconds = seconds } }

    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP webhook_deliveries_total Webhook delivery attempts, by outcome.\n"
        out += "# TYPE webhook_deliveries_total counter\n"
        for outcome in Outcome.allCases {
            out += "webhook_deliveries_total{outcome=\"\(outcome.rawValue)\"} \(snapshot.counts[outcome.rawValue] ?? 0)\n"
        }
        out += "# HELP webhook_oldest_pending_event_age_seconds Age of the oldest event not yet delivered to every subscribed webhook (0 when none waits).\n"
        out += "# TYPE webhook_oldest_pending_event_age_seconds gauge\n"
        out += "webhook_oldest_pending_event_age_seconds \(snapshot.oldestPendingSeconds)\n"
        return out
    }
}
