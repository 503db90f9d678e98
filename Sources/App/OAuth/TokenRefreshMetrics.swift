/// Token refreshes by outcome.
public enum TokenRefreshOutcome: String, Sendable, CaseIterable {
    case renewed, refused, failed
}

/// The token refresher's figures for /metrics: refreshes by outcome, and how late the most overdue token is (the
/// seconds since the oldest token not yet renewed became due, 0 when none is overdue), as of the last pass.
public typealias TokenRefreshMetrics = OutcomeMetrics<TokenRefreshOutcome>

extension OutcomeMetrics where Outcome == TokenRefreshOutcome {
    convenience init() {
        self.init(
            counter: "oauth_token_refreshes_total", help: "OAuth 2.0 token refreshes, by outcome.",
            gauge: "oauth_token_refresh_oldest_overdue_seconds",
            help: "Seconds since the most overdue token became due for refresh.")
    }
}
