/// When a failed delivery is tried again: the first retry after `retryBase`, each next one after twice the last
/// (at most `retryMaxDelay`), each delay drawn between its half and its whole so that receivers that failed
/// together are not hit together again; once `retryFor` has passed since the event was written, never.
enum WebhookRetrySchedule {
    enum Decision: Equatable {
        case retry(after: Duration)
        case giveUp
    }

    /// `attempts` made so far (at least 1), `elapsed` since the event was written, `random` in 0..<1.
    static func afterFailure(
        attempts: Int, elapsed: Duration, configuration: WebhookConfiguration, random: Double
    ) -> Decision {
        guard elapsed < configuration.retryFor else { return .giveUp }
        let base = Double(configuration.retryBase.wholeMilliseconds)
        let ceiling = Double(configuration.retryMaxDelay.wholeMilliseconds)
        // 2^(attempts-1) overflows nothing: the exponent is capped well past any ceiling.
        let full = min(base * Double(1 << min(max(attempts - 1, 0), 40)), ceiling)
        let jittered = full / 2 + full / 2 * min(max(random, 0), 1)
        return .retry(after: .milliseconds(Int64(jittered.rounded(.up))))
    }
}
