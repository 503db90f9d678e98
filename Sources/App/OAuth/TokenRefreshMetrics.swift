import Locking

/// The token refresher's figures for /metrics: refreshes by outcome, and how late the most overdue token is (the
/// seconds since the oldest token not yet renewed became due, 0 when none is overdue), as of the last pass.
public final class TokenRefreshMetrics: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        case renewed, refused, failed
    }

    private struct State {
        var counts: [Outcome: Int] = [:]
        var oldestOverdueSeconds = 0.0
    }

    private let state = Locked(State())

    public init() {}

    func record(_ outcome: Outcome) { state.withLock { $0.counts[outcome, default: 0] += 1 } }

    func setOldestOverdue(seconds: Double) { state.withLock { $0.oldestOverdueSeconds = max(0, seconds) } }

    public func render() -> String {
        let snapshot = state.withLock { ($0.counts, $0.oldestOverdueSeconds) }
        var out = "# HELP oauth_token_refreshes_total OAuth 2.0 token refreshes, by outcome.\n"
        out += "# TYPE oauth_token_refreshes_total counter\n"
        for outcome in Outcome.allCases {
            out += "oauth_token_refreshes_total{outcome=\"\(outcome.rawValue)\"} \(snapshot.0[outcome] ?? 0)\n"
        }
        out += "# HELP oauth_token_refresh_oldest_overdue_seconds Seconds since the most overdue token became due for refresh.\n"
        out += "# TYPE oauth_token_refresh_oldest_overdue_seconds gauge\n"
        out += "oauth_token_refresh_oldest_overdue_seconds \(snapshot.1)\n"
        return out
    }
}
