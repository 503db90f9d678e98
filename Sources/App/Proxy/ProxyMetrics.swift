import Locking

/// The proxy's Prometheus series: requests by connector and status class, upstream latency, and bytes each way.
/// The connector label is a connector id read from the database, never the request's bytes; a call that got no
/// answer counts under the status class `error`.
final class ProxyMetrics: Sendable {
    private struct State {
        /// Per connector, counts by status class: index `code / 100` (0...9), `errorClass` for no answer.
        var requests: [String: [Int]] = [:]
        var buckets = Array(repeating: 0, count: Metrics.bounds.count + 1)
        var latencySum = 0.0
        var bytesSent = 0
        var bytesReceived = 0
        var cutShort: [String: Int] = [:]
    }

    private let state = Locked(State())
    private static let errorClass = 10

    func record(connectorID: String, status: Int?, seconds: Double, sent: Int, received: Int) {
        let statusClass = status.map { min(max($0 / 100, 0), 9) } ?? Self.errorClass
        state.withLock { state in
            state.requests[connectorID, default: Array(repeating: 0, count: Self.errorClass + 1)][statusClass] += 1
            for index in Metrics.bounds.indices where seconds <= Metrics.bounds[index] { state.buckets[index] += 1 }
            state.buckets[Metrics.bounds.count] += 1
            state.latencySum += seconds
            state.bytesSent += sent
            state.bytesReceived += received
        }
    }

    /// Request body bytes streamed upstream beyond those counted with the request.
    func recordSent(_ bytes: Int) { state.withLock { $0.bytesSent += bytes } }

    /// Body bytes relayed back, counted as each piece passes.
    func recordReceived(_ bytes: Int) { state.withLock { $0.bytesReceived += bytes } }

    /// A provider's answer that failed after its head was relayed.
    func recordCutShort(connectorID: String) { state.withLock { $0.cutShort[connectorID, default: 0] += 1 } }

    func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP proxy_requests_total Requests the proxy sent upstream, by connector and status class.\n"
        out += "# TYPE proxy_requests_total counter\n"
        for (connector, counts) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            for (statusClass, count) in counts.enumerated() where count > 0 {
                let label = statusClass == Self.errorClass ? "error" : "\(statusClass)xx"
                out += "proxy_requests_total{connector=\"\(connector)\",status_class=\"\(label)\"} \(count)\n"
            }
        }
        out += "# HELP proxy_upstream_duration_seconds Time from sending upstream to the answer's head.\n"
        out += "# TYPE proxy_upstream_duration_seconds histogram\n"
        for (index, bound) in Metrics.bounds.enumerated() {
            out += "proxy_upstream_duration_seconds_bucket{le=\"\(bound)\"} \(snapshot.buckets[index])\n"
        }
        out += "proxy_upstream_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.buckets[Metrics.bounds.count])\n"
        out += "proxy_upstream_duration_seconds_sum \(snapshot.latencySum)\n"
        out += "proxy_upstream_duration_seconds_count \(snapshot.buckets[Metrics.bounds.count])\n"
        out += "# HELP proxy_bytes_total Body bytes the proxy sent upstream and received back.\n"
        out += "# TYPE proxy_bytes_total counter\n"
        out += "proxy_bytes_total{direction=\"sent\"} \(snapshot.bytesSent)\n"
        out += "proxy_bytes_total{direction=\"received\"} \(snapshot.bytesReceived)\n"
        out += "# HELP proxy_responses_cut_short_total Answers whose body failed after the head was relayed, by connector.\n"
        out += "# TYPE proxy_responses_cut_short_total counter\n"
        for (connector, count) in snapshot.cutShort.sorted(by: { $0.key < $1.key }) {
            out += "proxy_responses_cut_short_total{connector=\"\(connector)\"} \(count)\n"
        }
        return out
    }
}
