/// Webhook delivery attempts by outcome.
public enum WebhookDeliveryOutcome: String, Sendable, CaseIterable {
    /// The receiver answered 2xx.
    case delivered
    /// It did not (another status, or the call failed); the delivery is tried again later.
    case retrying = "retry"
    /// It did not, and the retry window has passed: the delivery is marked failed.
    case failed
    /// Not attempted: the outbound concurrency limits were reached; the claim is given back.
    case deferred
}

/// Delivery attempts by outcome and the age of the oldest event still waiting for a delivery, rendered at
/// /metrics beside the request metrics.
public typealias WebhookMetrics = OutcomeMetrics<WebhookDeliveryOutcome>

extension OutcomeMetrics where Outcome == WebhookDeliveryOutcome {
    convenience init() {
        self.init(
            counter: "webhook_deliveries_total", help: "Webhook delivery attempts, by outcome.",
            gauge: "webhook_oldest_pending_event_age_seconds",
            help: "Age of the oldest event not yet delivered to every subscribed webhook (0 when none waits).")
    }
}
