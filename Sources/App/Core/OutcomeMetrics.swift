import Locking

/// A background worker's figures for /metrics: a counter by `outcome` and one gauge beside it (the token
/// refresher's, the webhook worker's).
public final class OutcomeMetrics<Outcome: RawRepresentable & CaseIterable & Hashable & Sendable>: Sendable
where Outcome.RawValue == String {
    private struct Series: Sendable {
        var name: String
        var help: String
    }

    private struct State {
        var counts: [Outcome: Int] = [:]
        var gauge = 0.0
    }

    private let counter: Series
    private let gauge: Series
    private let state = Locked(State())

    init(counter: String, help counterHelp: String, gauge: String, help gaugeHelp: String) {
        self.counter = Series(name: counter, help: counterHelp)
        self.gauge = Series(name: gauge, help: gaugeHelp)
    }

    func record(_ outcome: Outcome) { state.withLock { $0.counts[outcome, default: 0] += 1 } }

    /// The gauge's value, never below 0.
    func setGauge(_ value: Double) { state.withLock { $0.gauge = max(0, value) } }

    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP \(counter.name) \(counter.help)\n# TYPE \(counter.name) counter\n"
        for outcome in Outcome.allCases {
            out += "\(counter.name){outcome=\"\(outcome.rawValue)\"} \(snapshot.counts[outcome] ?? 0)\n"
        }
        out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
        out += "\(gauge.name) \(snapshot.gauge)\n"
        return out
    }
}
