/// The delivery worker's settings (`WEBHOOK_*`, documented in docs/configuration.md).
public struct WebhookConfiguration: Sendable {
    /// Whether this instance runs the delivery worker. Every instance may: claims never overlap.
    public var deliver = true
    /// The first retry's delay; each next one doubles, with jitter.
    public var retryBase: Duration = .seconds(1)
    /// The longest delay between two attempts.
    public var retryMaxDelay: Duration = .seconds(3600)
    /// How long a delivery is retried from its event's creation before it is marked failed.
    public var retryFor: Duration = .seconds(24 * 3600)
    /// How long a claim holds; a claim of an instance that died comes back after it. The worker holds at least
    /// the outbound timeout plus 5 s, so a claim never lapses while its call runs.
    public var lease: Duration = .seconds(60)
    /// How often the worker looks for due deliveries when the last look found none.
    public var pollInterval: Duration = .seconds(1)
    /// Deliveries claimed at once.
    public var batchSize = 16
    /// Events whose deliveries are all settled (delivered or failed) are deleted this long after they were written.
    public var retainSettled: Duration = .seconds(7 * 24 * 3600)

    public init() {}
}

extension Duration {
    /// Whole milliseconds, for SQL intervals and timers.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
