import Locking
import Postgres

/// Prometheus counters and a latency histogram per route, rendered in the text exposition format at /metrics.
public final class Metrics: Sendable {
    private struct Key: Hashable { let method: String; let route: String; let status: Int }
    /// One route's latency histogram: counts per bound (cumulative, as Prometheus wants), then +Inf.
    private struct Histogram {
        var buckets = Array(repeating: 0, count: Metrics.bounds.count + 1)
        var sum = 0.0

        mutating func record(_ seconds: Double) {
            for index in Metrics.bounds.indices where seconds <= Metrics.bounds[index] { buckets[index] += 1 }
            buckets[Metrics.bounds.count] += 1
            sum += seconds
        }
    }

    private struct State {
        var requests: [Key: Int] = [:]
        var durations: [String: Histogram] = [:]
    }

    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let state = Locked(State())

    public init() {}

    public func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Key(method: method, route: route, status: status), default: 0] += 1
            // Mutated in place (no copy of the buckets per request).
            state.durations[route, default: Histogram()].record(seconds)
        }
    }

    /// The database read path's counters (`DatabasePool.reading`), in the same exposition format.
    static func render(_ reads: ReadCounts) -> String {
        "# HELP db_reads_total Stand-alone reads, by whether they were pipelined or ran on a pooled connection.\n"
            + "# TYPE db_reads_total counter\n"
            + "db_reads_total{path=\"pipeline\"} \(reads.pipelined)\ndb_reads_total{path=\"pool\"} \(reads.pooled)\n"
    }

    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP http_requests_total Requests answered, by method, route template and status.\n"
        out += "# TYPE http_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out += "http_requests_total{method=\"\(key.method)\",route=\"\(key.route)\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP http_request_duration_seconds Time from complete request to response, by route template.\n"
        out += "# TYPE http_request_duration_seconds histogram\n"
        for (route, histogram) in snapshot.durations.sorted(by: { $0.key < $1.key }) {
            let buckets = histogram.buckets
            for (index, bound) in Self.bounds.enumerated() {
                out += "http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(buckets[index])\n"
            }
            out += "http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(buckets[Self.bounds.count])\n"
            out += "http_request_duration_seconds_sum{route=\"\(route)\"} \(histogram.sum)\n"
            out += "http_request_duration_seconds_count{route=\"\(route)\"} \(buckets[Self.bounds.count])\n"
        }
        return out
    }
}
